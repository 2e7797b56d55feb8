package postgres_test

import (
	"context"
	"database/sql"
	"sync"
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

// TestMigrateTwice opens an empty schema twice in a row: the second open
// finds everything applied and changes nothing.
func TestMigrateTwice(t *testing.T) {
	url := testenv.PostgresSchema(t)
	ctx := context.Background()
	for i := range 2 {
		s, err := postgres.Open(ctx, url, nil)
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		if _, err := s.CreateUser(ctx, "u"+string(rune('a'+i))+"@example.com", "h"); err != nil {
			t.Errorf("CreateUser after open #%d: %v", i+1, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// users, api_keys, sessions, projects, project_data, shares, goose's table
	if n := tables(t, url); n != 7 {
		t.Errorf("%d tables after two migrations, want 7", n)
	}
}

// TestMigrateConcurrently migrates one empty schema from several
// connection pools at once, as several API processes starting together
// do: all succeed and the schema is whole.
func TestMigrateConcurrently(t *testing.T) {
	url := testenv.PostgresSchema(t)
	const n = 4
	errs := make([]error, n)
	stores := make([]projects.Store, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), url, nil)
			errs[i] = err
			if err == nil {
				stores[i] = s
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open #%d: %v", i, err)
			continue
		}
		if err := stores[i].Close(); err != nil {
			t.Error(err)
		}
	}
	if n := tables(t, url); n != 7 {
		t.Errorf("%d tables after concurrent migrations, want 7", n)
	}
}
