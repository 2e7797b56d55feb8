// Package projects holds the service's durable data: users, their API keys
// and login sessions, and their saved projects (a finished topics job's
// result and the pipeline state a Bourdieu refresh or a search needs), with
// the share links that open a project without an account.
//
// Redis stays the queue and the short-lived task store; what must outlive
// it lives behind Store, implemented side by side on PostgreSQL
// (internal/projects/postgres) and on an SQLite file
// (internal/projects/sqlite). Both run one conformance suite
// (internal/projects/projectstest).
//
// The store keeps data, not secrets: passwords arrive as argon2id hashes,
// keys, session tokens and share tokens as SHA-256 digests (internal/auth
// makes them); nothing here can tell a credential from its hash.
package projects

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("projects: not found")
	ErrExists   = errors.New("projects: already exists")
)

// User is an account.
type User struct {
	ID           int64
	Email        string
	PasswordHash string // argon2id, in its PHC string form
	Disabled     bool
	Created      time.Time
}

// Key is an API key. Hash is the SHA-256 digest of the secret, which is
// shown once and never stored.
type Key struct {
	ID       string
	UserID   int64
	Name     string
	Hash     []byte
	Created  time.Time
	LastUsed time.Time // zero: never used
	Revoked  time.Time // zero: in force
}

// Session is a login session; Hash is the SHA-256 digest of its cookie.
type Session struct {
	Hash    []byte
	UserID  int64
	Created time.Time
	Expires time.Time
}

// Project is a saved topics job: what it is and where it came from. Its
// large values are in Data.
type Project struct {
	ID          string
	UserID      int64
	Name        string
	Description string
	TaskID      string          // the job it was saved from
	FileName    string          // the uploaded file's name, if any
	DocCount    int             // documents in its map
	Embedder    string          // embed.Embedder.Name() that made its vectors
	Params      json.RawMessage // the job's parameters, as JSON
	Size        int64           // bytes stored for its Data (compressed)
	Created     time.Time
	Updated     time.Time
}

// Data is a project's large values, uncompressed: the TopicsResponse JSON
// that the job returned and its pipeline state (pipeline.State.MarshalBinary).
// Stores compress them.
type Data struct {
	Result []byte
	State  []byte
}

// Store keeps users, credentials and projects. Methods taking a user id
// act on that user's rows only: another user's project is ErrNotFound,
// exactly like a missing one. Implementations are safe for concurrent use.
type Store interface {
	// CreateUser adds a user; ErrExists if the email is taken.
	CreateUser(ctx context.Context, email, passwordHash string) (User, error)
	User(ctx context.Context, id int64) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	Users(ctx context.Context) ([]User, error) // by id
	SetPassword(ctx context.Context, id int64, passwordHash string) error
	// SetDisabled disables or enables a user; disabling ends their sessions.
	SetDisabled(ctx context.Context, id int64, disabled bool) error

	// CreateKey stores k (ID, UserID, Name, Hash; Created is set).
	CreateKey(ctx context.Context, k Key) (Key, error)
	// KeyByHash returns the key with hash, revoked or not.
	KeyByHash(ctx context.Context, hash []byte) (Key, error)
	Keys(ctx context.Context, userID int64) ([]Key, error) // newest first
	// RevokeKey revokes one of userID's keys; ErrNotFound if it has none
	// such (revoking twice is not an error).
	RevokeKey(ctx context.Context, userID int64, id string) error
	// TouchKey records a use of key id at t.
	TouchKey(ctx context.Context, id string, t time.Time) error

	CreateSession(ctx context.Context, s Session) error
	// SessionByHash returns a session that has not expired at now.
	SessionByHash(ctx context.Context, hash []byte, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteExpiredSessions removes the sessions expired at now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)

	// CreateProject stores p (ID, UserID, Name, ... ; Size, Created and
	// Updated are set) with its data.
	CreateProject(ctx context.Context, p Project, d Data) (Project, error)
	Project(ctx context.Context, userID int64, id string) (Project, error)
	// Projects lists userID's projects, newest first, from offset.
	Projects(ctx context.Context, userID int64, limit, offset int) ([]Project, error)
	// UpdateProject sets the name and description of a project.
	UpdateProject(ctx context.Context, userID int64, id, name, description string) (Project, error)
	// DeleteProject removes a project, its data and its share links.
	DeleteProject(ctx context.Context, userID int64, id string) error
	// ProjectData returns a project's data; callers check ownership first.
	ProjectData(ctx context.Context, id string) (Data, error)

	// CreateShare adds a share link (the digest of its token) to a project.
	CreateShare(ctx context.Context, projectID string, hash []byte) error
	// DeleteShares revokes every share link of a project.
	DeleteShares(ctx context.Context, projectID string) error
	// SharedProject returns the project that a share link opens.
	SharedProject(ctx context.Context, hash []byte) (Project, error)

	Ping(ctx context.Context) error
	Close() error
}
