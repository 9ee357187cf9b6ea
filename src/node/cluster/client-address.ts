/**
 * The gateway is the one place that knows a client's address. These HAProxy lines (for a
 * frontend) drop whatever a client sent in X-Forwarded-For / Forwarded / X-Real-IP and set the
 * address HAProxy saw, so a node reads the real one and a spoofed header never gets through.
 */
export const CLIENT_ADDRESS_RULES: readonly string[] = [
  "http-request del-header Forwarded",
  "http-request del-header X-Real-IP",
  "http-request set-header X-Forwarded-For %[src]",
  "http-request set-header X-Real-IP %[src]",
  // RFC 7239: IPv6 goes in quotes and brackets.
  "http-request set-header Forwarded for=%[src] if { src -m ip 0.0.0.0/0 }",
  'http-request set-header Forwarded "for=\\"[%[src]]\\"" if !{ src -m ip 0.0.0.0/0 }',
];

/**
 * The binding that names the gateways a node trusts for the client address (comma-separated
 * addresses); exported node configs carry it. Nodes must also listen only where the gateways
 * reach them (private network or firewall), since workerd does not see the peer address.
 */
export const TRUSTED_PROXIES_BINDING = "NIMBUS_TRUSTED_PROXIES";
