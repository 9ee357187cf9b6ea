// nimbus-dqlite: one dqlite node (Raft-replicated SQLite, Debian's go-dqlite) and, on a Unix
// socket, the smallest interface the Nimbus libSQL server needs to use it as a storage engine:
// sessions (one pinned dqlite connection each, for transactions) that run lists of statements on
// the leader, and the cluster's membership. The libSQL protocol itself lives in the Node server.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/canonical/go-dqlite/app"
	"github.com/canonical/go-dqlite/client"
)

func main() {
	dir := flag.String("dir", "", "data directory of this node (created if missing)")
	address := flag.String("address", "", "host:port this node replicates on (Raft)")
	join := flag.String("join", "", "comma-separated host:port of existing nodes (empty: form a new cluster)")
	api := flag.String("api", "", "path of the Unix socket the local libSQL server uses")
	database := flag.String("database", "nimbus", "name of the replicated database")
	latency := flag.Duration("network-latency", 100*time.Millisecond, "one-way network latency between nodes: Raft's heartbeat is 1.5x and its election timeout 15x this")
	verbose := flag.Bool("verbose", false, "log dqlite's debug messages")
	flag.Parse()
	if *dir == "" || *address == "" || *api == "" {
		fmt.Fprintln(os.Stderr, "usage: nimbus-dqlite --dir DIR --address HOST:PORT --api SOCKET [--join HOST:PORT,...]")
		os.Exit(2)
	}
	if err := run(*dir, *address, *join, *api, *database, *latency, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "nimbus-dqlite:", err)
		os.Exit(1)
	}
}

func run(dir, address, join, api, database string, latency time.Duration, verbose bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	logf := func(l client.LogLevel, format string, a ...interface{}) {
		if verbose || l >= client.LogWarn {
			log.Printf("%s %s: %s", address, l.String(), fmt.Sprintf(format, a...))
		}
	}
	var cluster []string
	if join != "" {
		cluster = strings.Split(join, ",")
	}
	node, err := app.New(dir, app.WithAddress(address), app.WithCluster(cluster), app.WithLogFunc(logf),
		app.WithNetworkLatency(latency))
	if err != nil {
		return fmt.Errorf("start node: %w", err)
	}
	ready, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := node.Ready(ready); err != nil {
		return fmt.Errorf("join the cluster: %w", err)
	}
	db, err := node.Open(ready, database)
	if err != nil {
		return fmt.Errorf("open database %q: %w", database, err)
	}
	db.SetMaxIdleConns(32)

	os.Remove(api)
	listener, err := net.Listen("unix", api)
	if err != nil {
		return err
	}
	sessions := newSessions(db)
	server := &http.Server{Handler: routes(node, database, sessions)}
	go server.Serve(listener)
	// The parent process reads this line to know the node is ready.
	fmt.Printf("nimbus-dqlite ready id=%d address=%s api=%s\n", node.ID(), address, api)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	<-signals
	server.Close()
	sessions.closeAll()
	db.Close()
	// A clean stop hands leadership over first, so the others need no election timeout (bounded:
	// when the whole cluster stops there is nobody to hand over to).
	handover, cancelHandover := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancelHandover()
	node.Handover(handover)
	return node.Close()
}

func routes(node *app.App, database string, sessions *sessions) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]interface{}{"id": node.ID(), "address": node.Address()})
	})
	mux.HandleFunc("/cluster", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		info, err := clusterInfo(ctx, node)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, info)
	})
	// This node's own copy of the database (main file and WAL), not the leader's: lets a check
	// compare what every node holds.
	mux.HandleFunc("/dump", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		cli, err := client.New(ctx, node.Address())
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		defer cli.Close()
		files, err := cli.Dump(ctx, database)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, files)
	})
	mux.HandleFunc("/session", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST /session", http.StatusMethodNotAllowed)
			return
		}
		id, err := sessions.open(r.Context())
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, failure{Code: "UNAVAILABLE", Message: err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"id": id})
	})
	mux.HandleFunc("/session/", func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/session/")
		switch r.Method {
		case http.MethodDelete:
			sessions.close(id, r.URL.Query().Get("rollback") == "1")
			writeJSON(w, http.StatusOK, map[string]bool{"closed": true})
		case http.MethodPost:
			var req execRequest
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
				return
			}
			resp, status := sessions.exec(r.Context(), id, req.Statements)
			writeJSON(w, status, resp)
		default:
			http.Error(w, "POST or DELETE /session/ID", http.StatusMethodNotAllowed)
		}
	})
	return mux
}

type member struct {
	ID      uint64 `json:"id"`
	Address string `json:"address"`
	Role    string `json:"role"`
}

func clusterInfo(ctx context.Context, node *app.App) (map[string]interface{}, error) {
	cli, err := node.Leader(ctx)
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	leader, err := cli.Leader(ctx)
	if err != nil {
		return nil, err
	}
	nodes, err := cli.Cluster(ctx)
	if err != nil {
		return nil, err
	}
	members := make([]member, 0, len(nodes))
	for _, n := range nodes {
		members = append(members, member{ID: n.ID, Address: n.Address, Role: n.Role.String()})
	}
	leaderAddress := ""
	if leader != nil {
		leaderAddress = leader.Address
	}
	return map[string]interface{}{"self": node.Address(), "leader": leaderAddress, "nodes": members}, nil
}

func writeJSON(w http.ResponseWriter, status int, body interface{}) {
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

var errNoSession = errors.New("no such session (it expired or its connection to the leader was lost)")
