/** nimbus/testing: helpers for an app's own tests (inside workerd or Node). */
export { eventually, sleep } from "./eventually.ts";
export { type FetchTarget, RoomSubscriber } from "./room-subscriber.ts";
export { csrfIn, TestBrowser, type TestBrowserOptions } from "./test-browser.ts";
