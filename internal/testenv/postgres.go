package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// PostgresURL is the PostgreSQL database that tests use:
// BUNKA_TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test.
func PostgresURL() string {
	if u := os.Getenv("BUNKA_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// PostgresSchema creates a schema of its own for the test in the database
// of PostgresURL, drops it when the test ends, and returns a URL whose
// connections use it (search_path). Without a reachable server the test
// is skipped, or fails under CI.
func PostgresSchema(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL()
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("testenv: postgres: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if InCI() {
			tb.Fatalf("testenv: postgres %s unreachable under CI: %v", base, err)
		}
		tb.Skipf("testenv: no PostgreSQL (set BUNKA_TEST_DATABASE_URL): %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bunka_test_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		db.Close()
		tb.Fatalf("testenv: postgres: create schema: %v", err)
	}
	tb.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("testenv: postgres: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("testenv: BUNKA_TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
