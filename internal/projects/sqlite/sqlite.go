// Package sqlite is the single-machine implementation of projects.Store:
// an SQLite file through the pure-Go driver modernc.org/sqlite, with the
// same schema as internal/projects/postgres. Open applies the embedded
// migrations with goose while holding an exclusive lock on a file beside
// the database, so that processes sharing the file migrate one at a time.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"syscall"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/bunkatopics/bunka-go/internal/projects/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens (creating it if needed) the SQLite database file path,
// migrates it and returns the store.
func Open(ctx context.Context, path string, log *slog.Logger) (*sqldb.DB, error) {
	if log == nil {
		log = slog.Default()
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	if err := migrate(ctx, db, path+".lock", log); err != nil {
		db.Close()
		return nil, err
	}
	return sqldb.New(db, isUnique), nil
}

// migrate brings db's schema up to date under an exclusive lock on lockPath.
func migrate(ctx context.Context, db *sql.DB, lockPath string, log *slog.Logger) error {
	f, err := os.OpenFile(lockPath, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: migration lock: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("sqlite: migration lock: %w", err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	for _, r := range res {
		log.Info("database migrated", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

func isUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code()
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
