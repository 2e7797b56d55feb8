package sqlite_test

import (
	"context"
	"path/filepath"
	"sync"
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

// TestMigrateTwice opens a new file twice in a row: the second open finds
// everything applied and keeps the data.
func TestMigrateTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bunka.db")
	ctx := context.Background()
	for i := range 2 {
		s, err := sqlite.Open(ctx, path, nil)
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		us, err := s.Users(ctx)
		if err != nil || len(us) != i {
			t.Errorf("open #%d: %d users, %v; want %d", i+1, len(us), err, i)
		}
		if _, err := s.CreateUser(ctx, "u"+string(rune('a'+i))+"@example.com", "h"); err != nil {
			t.Errorf("CreateUser after open #%d: %v", i+1, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if n := countTables(t, path); n != 7 {
		t.Errorf("%d tables after two migrations, want 7", n)
	}
}

// TestMigrateConcurrently opens one new file from several handles at once.
func TestMigrateConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bunka.db")
	const n = 4
	errs := make([]error, n)
	stores := make([]projects.Store, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := sqlite.Open(context.Background(), path, nil)
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
	if n := countTables(t, path); n != 7 {
		t.Errorf("%d tables after concurrent migrations, want 7", n)
	}
}
