// Package postgres is the PostgreSQL implementation of projects.Store,
// through pgx (github.com/jackc/pgx/v5, its database/sql driver). Open
// applies the embedded schema migrations with goose under a PostgreSQL
// advisory lock, so that several API processes may start at once.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/bunkatopics/bunka-go/internal/projects/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the PostgreSQL database at url (a postgres:// URL or a
// key=value DSN; search_path selects a schema), migrates it and returns
// the store.
func Open(ctx context.Context, url string, log *slog.Logger) (*sqldb.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := Migrate(ctx, db, log); err != nil {
		db.Close()
		return nil, err
	}
	return sqldb.New(db, isUnique), nil
}

// Migrate brings db's schema up to date. Concurrent callers, in one
// process or several, wait for each other on an advisory lock.
func Migrate(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300)) // retry each second for 5 min
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithSessionLocker(locker), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	for _, r := range res {
		log.Info("database migrated", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
