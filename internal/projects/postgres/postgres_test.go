package postgres_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/projects"
	"github.com/bunkatopics/bunka-go/internal/projects/postgres"
	"github.com/bunkatopics/bunka-go/internal/projects/projectstest"
	"github.com/bunkatopics/bunka-go/internal/testenv"
)

func TestConformance(t *testing.T) {
	projectstest.Run(t, func(t *testing.T) projects.Store {
		s, err := postgres.Open(context.Background(), testenv.PostgresSchema(t), nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func tables(t *testing.T, url string) int {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMigrations runs the shared migration checks on new, empty schemas.
func TestMigrations(t *testing.T) {
	projectstest.RunMigrations(t, func(t *testing.T) projectstest.Database {
		url := testenv.PostgresSchema(t)
		return projectstest.Database{
			Open:   func(ctx context.Context) (projects.Store, error) { return postgres.Open(ctx, url, nil) },
			Tables: func(t *testing.T) int { return tables(t, url) },
		}
	})
}
