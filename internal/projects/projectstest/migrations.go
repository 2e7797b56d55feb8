package projectstest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/bunkatopics/bunka-go/internal/projects"
)

// Tables is how many tables a migrated database holds: users, api_keys,
// sessions, projects, project_data, shares and goose's version table.
const Tables = 7

// Database is one new, empty database of an implementation: Open opens a
// store over it (migrating it), Tables counts its tables.
type Database struct {
	Open   func(ctx context.Context) (projects.Store, error)
	Tables func(t *testing.T) int
}

// RunMigrations checks an implementation's migrations on databases that
// fresh makes: opened twice in a row, the second open finds everything
// applied and keeps the data; opened from several handles at once, as
// several API processes starting together do, every open succeeds and the
// schema is whole.
func RunMigrations(t *testing.T, fresh func(t *testing.T) Database) {
	t.Run("Twice", func(t *testing.T) {
		db := fresh(t)
		ctx := context.Background()
		for i := range 2 {
			s, err := db.Open(ctx)
			if err != nil {
				t.Fatalf("Open #%d: %v", i+1, err)
			}
			if us, err := s.Users(ctx); err != nil || len(us) != i {
				t.Errorf("open #%d: %d users, %v; want %d", i+1, len(us), err, i)
			}
			if _, err := s.CreateUser(ctx, fmt.Sprintf("u%d@example.com", i), "h"); err != nil {
				t.Errorf("CreateUser after open #%d: %v", i+1, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if n := db.Tables(t); n != Tables {
			t.Errorf("%d tables after two migrations, want %d", n, Tables)
		}
	})
	t.Run("Concurrently", func(t *testing.T) {
		db := fresh(t)
		const n = 4
		errs := make([]error, n)
		stores := make([]projects.Store, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { stores[i], errs[i] = db.Open(context.Background()) })
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
		if got := db.Tables(t); got != Tables {
			t.Errorf("%d tables after concurrent migrations, want %d", got, Tables)
		}
	})
}
