package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/projects"
	"github.com/bunkatopics/bunka-go/internal/projects/projectstest"
	"github.com/bunkatopics/bunka-go/internal/projects/sqlite"
)

func TestConformance(t *testing.T) {
	projectstest.Run(t, func(t *testing.T) projects.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "bunka.db"), nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func countTables(t *testing.T, path string) int {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	var n int
	if err := s.SQL().QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMigrations runs the shared migration checks on new files.
func TestMigrations(t *testing.T) {
	projectstest.RunMigrations(t, func(t *testing.T) projectstest.Database {
		path := filepath.Join(t.TempDir(), "bunka.db")
		return projectstest.Database{
			Open:   func(ctx context.Context) (projects.Store, error) { return sqlite.Open(ctx, path, nil) },
			Tables: func(t *testing.T) int { return countTables(t, path) },
		}
	})
}
