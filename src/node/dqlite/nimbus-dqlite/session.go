package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	dqlite "github.com/canonical/go-dqlite/driver"
)

// A session pins one dqlite connection (to the leader) so that a transaction's statements run
// on it in order. A session nobody used for idleTimeout is rolled back and closed, so a libSQL
// server that died cannot hold the write lock.
const idleTimeout = 20 * time.Second

type session struct {
	mu       sync.Mutex
	conn     *sql.Conn
	lastUsed time.Time
}

type sessions struct {
	db   *sql.DB
	mu   sync.Mutex
	byID map[string]*session
}

func newSessions(db *sql.DB) *sessions {
	s := &sessions{db: db, byID: map[string]*session{}}
	go func() {
		for range time.Tick(idleTimeout / 4) {
			s.reap()
		}
	}()
	return s
}

func (s *sessions) open(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return "", err
	}
	raw := make([]byte, 12)
	rand.Read(raw)
	id := hex.EncodeToString(raw)
	s.mu.Lock()
	s.byID[id] = &session{conn: conn, lastUsed: time.Now()}
	s.mu.Unlock()
	return id, nil
}

func (s *sessions) take(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id]
}

func (s *sessions) drop(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.byID[id]
	delete(s.byID, id)
	return sess
}

// close ends a session; with rollback, an open transaction is rolled back first so the
// pooled connection goes back clean (if that fails, the connection is discarded).
func (s *sessions) close(id string, rollback bool) {
	sess := s.drop(id)
	if sess == nil {
		return
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if rollback {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := sess.conn.ExecContext(ctx, "ROLLBACK"); err != nil && !isNoTransaction(err) {
			sess.conn.Raw(func(interface{}) error { return driver.ErrBadConn })
		}
	}
	sess.conn.Close()
}

func isNoTransaction(err error) bool {
	var e dqlite.Error
	return errors.As(err, &e) && e.Code == 1
}

func (s *sessions) reap() {
	s.mu.Lock()
	var idle []string
	for id, sess := range s.byID {
		if time.Since(sess.lastUsed) > idleTimeout {
			idle = append(idle, id)
		}
	}
	s.mu.Unlock()
	for _, id := range idle {
		s.close(id, true)
	}
}

func (s *sessions) closeAll() {
	s.mu.Lock()
	ids := make([]string, 0, len(s.byID))
	for id := range s.byID {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.close(id, true)
	}
}

// value is a Hrana value ({"type":"integer","value":"1"}, …): the Node side passes them through.
type value struct {
	Type   string      `json:"type"`
	Value  interface{} `json:"value,omitempty"`
	Base64 *string     `json:"base64,omitempty"`
}

type statement struct {
	SQL   string  `json:"sql"`
	Args  []value `json:"args"`
	Query bool    `json:"query"`
	// Prepare only compiles the statement (a syntax check) and runs nothing.
	Prepare bool `json:"prepare"`
}

type execRequest struct {
	Statements []statement `json:"statements"`
}

type result struct {
	Columns      []string  `json:"columns"`
	Rows         [][]value `json:"rows"`
	RowsAffected int64     `json:"rowsAffected"`
	LastInsertID int64     `json:"lastInsertId,string"`
}

type failure struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Index   int    `json:"index"`
}

type execResponse struct {
	Results []result `json:"results"`
	Error   *failure `json:"error,omitempty"`
}

// exec runs statements in order on the session's connection and stops at the first error.
// UNAVAILABLE means the connection to the leader broke: the session is gone, and a write whose
// COMMIT was in flight may or may not have been committed.
func (s *sessions) exec(ctx context.Context, id string, statements []statement) (execResponse, int) {
	sess := s.take(id)
	if sess == nil {
		return execResponse{Error: &failure{Code: "NO_SESSION", Message: errNoSession.Error()}}, http.StatusNotFound
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	sess.lastUsed = time.Now()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	resp := execResponse{Results: []result{}}
	for i, st := range statements {
		args, err := decodeArgs(st.Args)
		if err != nil {
			resp.Error = &failure{Code: "ARGS_INVALID", Message: err.Error(), Index: i}
			return resp, http.StatusOK
		}
		var res result
		if st.Prepare {
			res, err = prepareOnly(ctx, sess.conn, st.SQL)
		} else if st.Query {
			res, err = query(ctx, sess.conn, st.SQL, args)
		} else {
			res, err = execute(ctx, sess.conn, st.SQL, args)
		}
		if err != nil {
			f := describeError(err, i)
			resp.Error = &f
			if f.Code == "UNAVAILABLE" {
				s.drop(id)
				sess.conn.Close()
			}
			return resp, http.StatusOK
		}
		resp.Results = append(resp.Results, res)
	}
	sess.lastUsed = time.Now()
	return resp, http.StatusOK
}

func execute(ctx context.Context, conn *sql.Conn, query string, args []interface{}) (result, error) {
	r, err := conn.ExecContext(ctx, query, args...)
	if err != nil {
		return result{}, err
	}
	affected, _ := r.RowsAffected()
	last, _ := r.LastInsertId()
	return result{Columns: []string{}, Rows: [][]value{}, RowsAffected: affected, LastInsertID: last}, nil
}

func prepareOnly(ctx context.Context, conn *sql.Conn, text string) (result, error) {
	stmt, err := conn.PrepareContext(ctx, text)
	if err != nil {
		return result{}, err
	}
	stmt.Close()
	return result{Columns: []string{}, Rows: [][]value{}}, nil
}

func query(ctx context.Context, conn *sql.Conn, text string, args []interface{}) (result, error) {
	rows, err := conn.QueryContext(ctx, text, args...)
	if err != nil {
		return result{}, err
	}
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		return result{}, err
	}
	res := result{Columns: columns, Rows: [][]value{}}
	cells := make([]interface{}, len(columns))
	ptrs := make([]interface{}, len(columns))
	for i := range cells {
		ptrs[i] = &cells[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return result{}, err
		}
		row := make([]value, len(columns))
		for i, cell := range cells {
			row[i] = encodeValue(cell)
		}
		res.Rows = append(res.Rows, row)
	}
	return res, rows.Err()
}

func decodeArgs(args []value) ([]interface{}, error) {
	out := make([]interface{}, len(args))
	for i, a := range args {
		switch a.Type {
		case "null":
			out[i] = nil
		case "integer":
			s, _ := a.Value.(string)
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return nil, errors.New("integer argument is not a 64-bit decimal string")
			}
			out[i] = n
		case "float":
			f, ok := a.Value.(float64)
			if !ok {
				return nil, errors.New("float argument is not a number")
			}
			out[i] = f
		case "text":
			s, ok := a.Value.(string)
			if !ok {
				return nil, errors.New("text argument is not a string")
			}
			out[i] = s
		case "blob":
			if a.Base64 == nil {
				return nil, errors.New("blob argument without base64")
			}
			b, err := base64.RawStdEncoding.DecodeString(trimPadding(*a.Base64))
			if err != nil {
				return nil, err
			}
			out[i] = b
		default:
			return nil, errors.New("unknown argument type " + a.Type)
		}
	}
	return out, nil
}

func trimPadding(s string) string {
	for len(s) > 0 && s[len(s)-1] == '=' {
		s = s[:len(s)-1]
	}
	return s
}

// encodeValue maps what go-dqlite returns to a Hrana value. dqlite turns values of columns
// declared DATETIME/DATE/TIMESTAMP into times and BOOLEAN into bools: they go back as
// SQLite would have stored them where that is unambiguous (text, 0/1).
func encodeValue(cell interface{}) value {
	switch v := cell.(type) {
	case nil:
		return value{Type: "null"}
	case int64:
		return value{Type: "integer", Value: strconv.FormatInt(v, 10)}
	case float64:
		return value{Type: "float", Value: v}
	case string:
		return value{Type: "text", Value: v}
	case []byte:
		b := base64.RawStdEncoding.EncodeToString(v)
		return value{Type: "blob", Base64: &b}
	case bool:
		if v {
			return value{Type: "integer", Value: "1"}
		}
		return value{Type: "integer", Value: "0"}
	case time.Time:
		return value{Type: "text", Value: v.Format("2006-01-02 15:04:05.999999999-07:00")}
	default:
		return value{Type: "null"}
	}
}

var sqliteCodes = map[int]string{
	1: "SQLITE_ERROR", 2: "SQLITE_INTERNAL", 3: "SQLITE_PERM", 4: "SQLITE_ABORT", 5: "SQLITE_BUSY",
	6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM", 8: "SQLITE_READONLY", 9: "SQLITE_INTERRUPT",
	10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT", 12: "SQLITE_NOTFOUND", 13: "SQLITE_FULL",
	14: "SQLITE_CANTOPEN", 15: "SQLITE_PROTOCOL", 17: "SQLITE_SCHEMA", 18: "SQLITE_TOOBIG",
	19: "SQLITE_CONSTRAINT", 20: "SQLITE_MISMATCH", 21: "SQLITE_MISUSE", 25: "SQLITE_RANGE",
	26: "SQLITE_NOTADB",
}

func describeError(err error, index int) failure {
	var e dqlite.Error
	if errors.As(err, &e) {
		code, ok := sqliteCodes[e.Code&0xff]
		if !ok {
			code = "SQLITE_ERROR"
		}
		return failure{Code: code, Message: e.Message, Index: index}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return failure{Code: "UNAVAILABLE", Message: "the dqlite leader did not answer in time", Index: index}
	}
	if strings.Contains(err.Error(), "too many parameters") {
		return failure{Code: "SQLITE_RANGE", Message: err.Error(), Index: index}
	}
	// Anything but an error from SQLite on the leader is the connection to it failing (bad
	// connection, "receive: header: EOF" when the leader dies mid-answer …): the statement's
	// outcome is unknown, and the session is gone.
	return failure{Code: "UNAVAILABLE", Message: "lost the connection to the dqlite leader: " + err.Error(), Index: index}
}
