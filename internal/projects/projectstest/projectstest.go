// Package projectstest is the conformance suite of projects.Store: every
// implementation's test calls Run with a function that opens a fresh,
// empty, migrated store.
package projectstest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/bunkatopics/bunka-go/internal/projects"
)

// Run runs the suite; open returns a new empty store, closed by the suite.
func Run(t *testing.T, open func(t *testing.T) projects.Store) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s projects.Store)
	}{
		{"Users", testUsers},
		{"Keys", testKeys},
		{"Sessions", testSessions},
		{"Projects", testProjects},
		{"ProjectPages", testProjectPages},
		{"Shares", testShares},
		{"LargeData", testLargeData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func mustUser(t *testing.T, s projects.Store, email string) projects.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), email, "hash-of-"+email)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

func testUsers(t *testing.T, s projects.Store) {
	ctx := context.Background()
	a := mustUser(t, s, "a@example.com")
	if a.ID == 0 || a.Email != "a@example.com" || a.PasswordHash != "hash-of-a@example.com" || a.Disabled || a.Created.IsZero() {
		t.Errorf("CreateUser = %+v", a)
	}
	_, err := s.CreateUser(ctx, "a@example.com", "x")
	wantErr(t, "CreateUser of a taken email", err, projects.ErrExists)
	b := mustUser(t, s, "b@example.com")
	if b.ID == a.ID {
		t.Errorf("two users with id %d", a.ID)
	}
	got, err := s.UserByEmail(ctx, "a@example.com")
	if err != nil || got != a {
		t.Errorf("UserByEmail = %+v, %v; want %+v", got, err, a)
	}
	got, err = s.User(ctx, b.ID)
	if err != nil || got != b {
		t.Errorf("User = %+v, %v; want %+v", got, err, b)
	}
	_, err = s.UserByEmail(ctx, "nobody@example.com")
	wantErr(t, "UserByEmail of nobody", err, projects.ErrNotFound)
	_, err = s.User(ctx, b.ID+100)
	wantErr(t, "User of a missing id", err, projects.ErrNotFound)

	if err := s.SetPassword(ctx, a.ID, "new"); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	wantErr(t, "SetPassword of a missing id", s.SetPassword(ctx, b.ID+100, "x"), projects.ErrNotFound)
	se := projects.Session{Hash: random(32), UserID: a.ID, Created: time.Now(), Expires: time.Now().Add(time.Hour)}
	if err := s.CreateSession(ctx, se); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if err := s.SetDisabled(ctx, a.ID, true); err != nil {
		t.Fatalf("SetDisabled: %v", err)
	}
	_, err = s.SessionByHash(ctx, se.Hash, time.Now())
	wantErr(t, "a disabled user's session", err, projects.ErrNotFound)
	wantErr(t, "SetDisabled of a missing id", s.SetDisabled(ctx, b.ID+100, true), projects.ErrNotFound)
	got, err = s.User(ctx, a.ID)
	if err != nil || !got.Disabled || got.PasswordHash != "new" {
		t.Errorf("after SetPassword and SetDisabled: %+v, %v", got, err)
	}
	if err := s.SetDisabled(ctx, a.ID, false); err != nil {
		t.Fatalf("SetDisabled(false): %v", err)
	}
	us, err := s.Users(ctx)
	if err != nil || len(us) != 2 || us[0].ID != a.ID || us[1] != b || us[0].Disabled {
		t.Errorf("Users = %+v, %v", us, err)
	}
}

func testKeys(t *testing.T, s projects.Store) {
	ctx := context.Background()
	a := mustUser(t, s, "a@example.com")
	b := mustUser(t, s, "b@example.com")
	k1, err := s.CreateKey(ctx, projects.Key{ID: "k1", UserID: a.ID, Name: "laptop", Hash: random(32)})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if k1.Created.IsZero() || !k1.LastUsed.IsZero() || !k1.Revoked.IsZero() || k1.Name != "laptop" {
		t.Errorf("CreateKey = %+v", k1)
	}
	_, err = s.CreateKey(ctx, projects.Key{ID: "k1", UserID: a.ID, Name: "again", Hash: random(32)})
	wantErr(t, "CreateKey of a taken id", err, projects.ErrExists)
	_, err = s.CreateKey(ctx, projects.Key{ID: "k3", UserID: a.ID, Name: "same hash", Hash: k1.Hash})
	wantErr(t, "CreateKey of a taken hash", err, projects.ErrExists)
	if _, err := s.CreateKey(ctx, projects.Key{ID: "k2", UserID: b.ID, Name: "ci", Hash: random(32)}); err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	got, err := s.KeyByHash(ctx, k1.Hash)
	if err != nil || got.ID != "k1" || got.UserID != a.ID || !bytes.Equal(got.Hash, k1.Hash) {
		t.Errorf("KeyByHash = %+v, %v", got, err)
	}
	_, err = s.KeyByHash(ctx, random(32))
	wantErr(t, "KeyByHash of an unknown hash", err, projects.ErrNotFound)

	used := time.Now().UTC().Truncate(time.Second)
	if err := s.TouchKey(ctx, "k1", used); err != nil {
		t.Fatalf("TouchKey: %v", err)
	}
	wantErr(t, "TouchKey of a missing key", s.TouchKey(ctx, "nope", used), projects.ErrNotFound)
	wantErr(t, "RevokeKey of another user's key", s.RevokeKey(ctx, b.ID, "k1"), projects.ErrNotFound)
	if err := s.RevokeKey(ctx, a.ID, "k1"); err != nil {
		t.Fatalf("RevokeKey: %v", err)
	}
	got, err = s.KeyByHash(ctx, k1.Hash)
	if err != nil || got.Revoked.IsZero() || !got.LastUsed.Equal(used) {
		t.Errorf("after TouchKey and RevokeKey: %+v, %v", got, err)
	}
	revoked := got.Revoked
	if err := s.RevokeKey(ctx, a.ID, "k1"); err != nil {
		t.Errorf("RevokeKey twice: %v", err)
	}
	if got, _ := s.KeyByHash(ctx, k1.Hash); !got.Revoked.Equal(revoked) {
		t.Errorf("revoking twice moved the revocation time from %v to %v", revoked, got.Revoked)
	}
	ks, err := s.Keys(ctx, a.ID)
	if err != nil || len(ks) != 1 || ks[0].ID != "k1" {
		t.Errorf("Keys(a) = %+v, %v", ks, err)
	}
	ks, err = s.Keys(ctx, b.ID+100)
	if err != nil || len(ks) != 0 {
		t.Errorf("Keys(nobody) = %+v, %v", ks, err)
	}
}

func testSessions(t *testing.T, s projects.Store) {
	ctx := context.Background()
	a := mustUser(t, s, "a@example.com")
	now := time.Now().UTC()
	live := projects.Session{Hash: random(32), UserID: a.ID, Created: now, Expires: now.Add(time.Hour)}
	old := projects.Session{Hash: random(32), UserID: a.ID, Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}
	for _, se := range []projects.Session{live, old} {
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}
	wantErr(t, "CreateSession of a taken hash", s.CreateSession(ctx, live), projects.ErrExists)
	got, err := s.SessionByHash(ctx, live.Hash, now)
	if err != nil || got.UserID != a.ID || !got.Expires.Equal(live.Expires.Truncate(time.Microsecond)) {
		t.Errorf("SessionByHash = %+v, %v", got, err)
	}
	_, err = s.SessionByHash(ctx, old.Hash, now)
	wantErr(t, "SessionByHash of an expired session", err, projects.ErrNotFound)
	_, err = s.SessionByHash(ctx, live.Hash, now.Add(2*time.Hour))
	wantErr(t, "SessionByHash after its expiry", err, projects.ErrNotFound)
	n, err := s.DeleteExpiredSessions(ctx, now)
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	if err := s.DeleteSession(ctx, live.Hash); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	_, err = s.SessionByHash(ctx, live.Hash, now)
	wantErr(t, "SessionByHash after DeleteSession", err, projects.ErrNotFound)
}

func newProject(id string, userID int64) projects.Project {
	return projects.Project{ID: id, UserID: userID, Name: "map " + id, TaskID: "task-" + id, FileName: "docs.csv",
		DocCount: 3, Embedder: "builtin-lsa", Params: []byte(`{"n_clusters":5}`)}
}

func testProjects(t *testing.T, s projects.Store) {
	ctx := context.Background()
	a := mustUser(t, s, "a@example.com")
	b := mustUser(t, s, "b@example.com")
	d := projects.Data{Result: []byte(`{"docs":[],"topics":[]}`), State: random(1000)}
	p, err := s.CreateProject(ctx, newProject("p1", a.ID), d)
	if err != nil {
		t.Fatalf("CreateProject: %v", err)
	}
	if p.Created.IsZero() || !p.Updated.Equal(p.Created) || p.Size <= 0 || p.Name != "map p1" ||
		string(p.Params) != `{"n_clusters":5}` || p.DocCount != 3 || p.Embedder != "builtin-lsa" {
		t.Errorf("CreateProject = %+v", p)
	}
	_, err = s.CreateProject(ctx, newProject("p1", a.ID), d)
	wantErr(t, "CreateProject of a taken id", err, projects.ErrExists)

	got, err := s.Project(ctx, a.ID, "p1")
	if err != nil || got.ID != p.ID || !got.Created.Equal(p.Created) || got.Size != p.Size {
		t.Errorf("Project = %+v, %v; want %+v", got, err, p)
	}
	_, err = s.Project(ctx, b.ID, "p1")
	wantErr(t, "another user's Project", err, projects.ErrNotFound)
	_, err = s.Project(ctx, a.ID, "nope")
	wantErr(t, "a missing Project", err, projects.ErrNotFound)

	gd, err := s.ProjectData(ctx, "p1")
	if err != nil || !bytes.Equal(gd.Result, d.Result) || !bytes.Equal(gd.State, d.State) {
		t.Errorf("ProjectData = %d and %d bytes, %v; want %d and %d", len(gd.Result), len(gd.State), err, len(d.Result), len(d.State))
	}
	_, err = s.ProjectData(ctx, "nope")
	wantErr(t, "ProjectData of a missing project", err, projects.ErrNotFound)

	_, err = s.UpdateProject(ctx, b.ID, "p1", "stolen", "")
	wantErr(t, "UpdateProject of another user's project", err, projects.ErrNotFound)
	up, err := s.UpdateProject(ctx, a.ID, "p1", "renamed", "about things")
	if err != nil || up.Name != "renamed" || up.Description != "about things" || up.Updated.Before(p.Updated) || !up.Created.Equal(p.Created) {
		t.Errorf("UpdateProject = %+v, %v", up, err)
	}

	wantErr(t, "DeleteProject of another user's project", s.DeleteProject(ctx, b.ID, "p1"), projects.ErrNotFound)
	if err := s.CreateShare(ctx, "p1", random(32)); err != nil {
		t.Fatalf("CreateShare: %v", err)
	}
	if err := s.DeleteProject(ctx, a.ID, "p1"); err != nil {
		t.Fatalf("DeleteProject: %v", err)
	}
	_, err = s.Project(ctx, a.ID, "p1")
	wantErr(t, "Project after DeleteProject", err, projects.ErrNotFound)
	_, err = s.ProjectData(ctx, "p1")
	wantErr(t, "ProjectData after DeleteProject", err, projects.ErrNotFound)
	wantErr(t, "DeleteProject twice", s.DeleteProject(ctx, a.ID, "p1"), projects.ErrNotFound)
}

func testProjectPages(t *testing.T, s projects.Store) {
	ctx := context.Background()
	a := mustUser(t, s, "a@example.com")
	b := mustUser(t, s, "b@example.com")
	const n = 5
	for i := range n {
		if _, err := s.CreateProject(ctx, newProject(fmt.Sprintf("a%d", i), a.ID), projects.Data{}); err != nil {
			t.Fatalf("CreateProject: %v", err)
		}
	}
	if _, err := s.CreateProject(ctx, newProject("b0", b.ID), projects.Data{}); err != nil {
		t.Fatalf("CreateProject: %v", err)
	}
	var all []projects.Project
	for off := 0; ; off += 2 {
		page, err := s.Projects(ctx, a.ID, 2, off)
		if err != nil {
			t.Fatalf("Projects: %v", err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
	}
	if len(all) != n {
		t.Fatalf("pages hold %d projects, want %d", len(all), n)
	}
	for i, p := range all {
		if p.UserID != a.ID {
			t.Errorf("project %s of user %d in user %d's list", p.ID, p.UserID, a.ID)
		}
		if i > 0 && p.Created.After(all[i-1].Created) {
			t.Errorf("project %s (%v) listed after the older %s (%v)", p.ID, p.Created, all[i-1].ID, all[i-1].Created)
		}
	}
	none, err := s.Projects(ctx, b.ID+100, 10, 0)
	if err != nil || none == nil || len(none) != 0 {
		t.Errorf("Projects(nobody) = %#v, %v; want an empty list", none, err)
	}
}

func testShares(t *testing.T, s projects.Store) {
	ctx := context.Background()
	a := mustUser(t, s, "a@example.com")
	if _, err := s.CreateProject(ctx, newProject("p1", a.ID), projects.Data{}); err != nil {
		t.Fatalf("CreateProject: %v", err)
	}
	h1, h2 := random(32), random(32)
	for _, h := range [][]byte{h1, h2} {
		if err := s.CreateShare(ctx, "p1", h); err != nil {
			t.Fatalf("CreateShare: %v", err)
		}
	}
	if err := s.CreateShare(ctx, "nope", random(32)); err == nil {
		t.Error("CreateShare of a missing project succeeded")
	}
	p, err := s.SharedProject(ctx, h2)
	if err != nil || p.ID != "p1" || p.UserID != a.ID {
		t.Errorf("SharedProject = %+v, %v", p, err)
	}
	_, err = s.SharedProject(ctx, random(32))
	wantErr(t, "SharedProject of an unknown token", err, projects.ErrNotFound)
	if err := s.DeleteShares(ctx, "p1"); err != nil {
		t.Fatalf("DeleteShares: %v", err)
	}
	for _, h := range [][]byte{h1, h2} {
		_, err = s.SharedProject(ctx, h)
		wantErr(t, "SharedProject after DeleteShares", err, projects.ErrNotFound)
	}
}

// testLargeData stores a value of the size of a 10,000-document map and
// checks that it comes back whole and is stored compressed.
func testLargeData(t *testing.T, s projects.Store) {
	ctx := context.Background()
	a := mustUser(t, s, "a@example.com")
	result := bytes.Repeat([]byte(`{"doc_id":"x","content":"some words that repeat","topic_id":"bt-1"},`), 50000)
	state := random(1 << 20)
	p, err := s.CreateProject(ctx, newProject("big", a.ID), projects.Data{Result: result, State: state})
	if err != nil {
		t.Fatalf("CreateProject: %v", err)
	}
	if raw := int64(len(result) + len(state)); p.Size >= raw {
		t.Errorf("stored size %d, not less than the raw %d: not compressed", p.Size, raw)
	}
	d, err := s.ProjectData(ctx, "big")
	if err != nil || !bytes.Equal(d.Result, result) || !bytes.Equal(d.State, state) {
		t.Errorf("ProjectData of a large project differs (%v)", err)
	}
}
