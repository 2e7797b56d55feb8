// Package sqldb implements projects.Store over database/sql with the SQL
// that PostgreSQL and SQLite share ($n placeholders, RETURNING, ON DELETE
// CASCADE). The dialect packages (internal/projects/postgres and
// internal/projects/sqlite) open the database, apply their own migrations
// and hand it here with the test that recognises a unique violation.
//
// Large values (a project's result and pipeline state) are stored
// compressed with zstd.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/bunkatopics/bunka-go/internal/projects"
)

// DB is a projects.Store on a database/sql handle.
type DB struct {
	db       *sql.DB
	isUnique func(error) bool
	closers  []func() error
}

var _ projects.Store = (*DB)(nil)

// New returns a Store on db. isUnique reports a unique-constraint
// violation of the driver. closers run on Close after db is closed.
func New(db *sql.DB, isUnique func(error) bool, closers ...func() error) *DB {
	return &DB{db: db, isUnique: isUnique, closers: closers}
}

// SQL returns the database handle (for tests and tools).
func (s *DB) SQL() *sql.DB { return s.db }

// Close closes the database.
func (s *DB) Close() error {
	err := s.db.Close()
	for _, c := range s.closers {
		err = errors.Join(err, c())
	}
	return err
}

// Ping checks the database answers.
func (s *DB) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("projects: ping: %w", err)
	}
	return nil
}

// now is the stores' clock, to the microsecond that PostgreSQL keeps.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// wrap names the operation and maps driver errors to the package's.
func (s *DB) wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return projects.ErrNotFound
	case s.isUnique(err):
		return projects.ErrExists
	}
	return fmt.Errorf("projects: %s: %w", op, err)
}

// affected turns "no row changed" into ErrNotFound.
func (s *DB) affected(op string, res sql.Result, err error) error {
	if err != nil {
		return s.wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.wrap(op, err)
	}
	if n == 0 {
		return projects.ErrNotFound
	}
	return nil
}

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

func fromNull(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// Users.

const userCols = `id, email, password_hash, disabled, created`

type scanner interface{ Scan(dest ...any) error }

func scanUser(r scanner) (projects.User, error) {
	var u projects.User
	err := r.Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Disabled, &u.Created)
	u.Created = u.Created.UTC()
	return u, err
}

// CreateUser implements projects.Store.
func (s *DB) CreateUser(ctx context.Context, email, hash string) (projects.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx,
		`INSERT INTO users (email, password_hash, disabled, created) VALUES ($1, $2, $3, $4) RETURNING `+userCols,
		email, hash, false, now()))
	return u, s.wrap("create user", err)
}

// User implements projects.Store.
func (s *DB) User(ctx context.Context, id int64) (projects.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	return u, s.wrap("user", err)
}

// UserByEmail implements projects.Store.
func (s *DB) UserByEmail(ctx context.Context, email string) (projects.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, email))
	return u, s.wrap("user by email", err)
}

// Users implements projects.Store.
func (s *DB) Users(ctx context.Context) ([]projects.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY id`)
	if err != nil {
		return nil, s.wrap("users", err)
	}
	defer rows.Close()
	var us []projects.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, s.wrap("users", err)
		}
		us = append(us, u)
	}
	return us, s.wrap("users", rows.Err())
}

// SetPassword implements projects.Store.
func (s *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, id)
	return s.affected("set password", res, err)
}

// SetDisabled implements projects.Store.
func (s *DB) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("set disabled", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1 WHERE id = $2`, disabled, id)
	if err := s.affected("set disabled", res, err); err != nil {
		return err
	}
	if disabled {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return s.wrap("set disabled", err)
		}
	}
	return s.wrap("set disabled", tx.Commit())
}

// Keys.

const keyCols = `id, user_id, name, hash, created, last_used, revoked`

func scanKey(r scanner) (projects.Key, error) {
	var k projects.Key
	var used, revoked sql.NullTime
	err := r.Scan(&k.ID, &k.UserID, &k.Name, &k.Hash, &k.Created, &used, &revoked)
	k.Created, k.LastUsed, k.Revoked = k.Created.UTC(), fromNull(used), fromNull(revoked)
	return k, err
}

// CreateKey implements projects.Store.
func (s *DB) CreateKey(ctx context.Context, k projects.Key) (projects.Key, error) {
	k, err := scanKey(s.db.QueryRowContext(ctx,
		`INSERT INTO api_keys (id, user_id, name, hash, created) VALUES ($1, $2, $3, $4, $5) RETURNING `+keyCols,
		k.ID, k.UserID, k.Name, k.Hash, now()))
	return k, s.wrap("create key", err)
}

// KeyByHash implements projects.Store.
func (s *DB) KeyByHash(ctx context.Context, hash []byte) (projects.Key, error) {
	k, err := scanKey(s.db.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys WHERE hash = $1`, hash))
	return k, s.wrap("key", err)
}

// Keys implements projects.Store.
func (s *DB) Keys(ctx context.Context, userID int64) ([]projects.Key, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+keyCols+` FROM api_keys WHERE user_id = $1 ORDER BY created DESC, id`, userID)
	if err != nil {
		return nil, s.wrap("keys", err)
	}
	defer rows.Close()
	var ks []projects.Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, s.wrap("keys", err)
		}
		ks = append(ks, k)
	}
	return ks, s.wrap("keys", rows.Err())
}

// RevokeKey implements projects.Store.
func (s *DB) RevokeKey(ctx context.Context, userID int64, id string) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE api_keys SET revoked = COALESCE(revoked, $1) WHERE id = $2 AND user_id = $3`, now(), id, userID)
	return s.affected("revoke key", res, err)
}

// TouchKey implements projects.Store.
func (s *DB) TouchKey(ctx context.Context, id string, t time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_keys SET last_used = $1 WHERE id = $2`, t.UTC().Truncate(time.Microsecond), id)
	return s.affected("touch key", res, err)
}

// Sessions.

// CreateSession implements projects.Store.
func (s *DB) CreateSession(ctx context.Context, se projects.Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, created, expires) VALUES ($1, $2, $3, $4)`,
		se.Hash, se.UserID, se.Created.UTC().Truncate(time.Microsecond), se.Expires.UTC().Truncate(time.Microsecond))
	return s.wrap("create session", err)
}

// SessionByHash implements projects.Store.
func (s *DB) SessionByHash(ctx context.Context, hash []byte, at time.Time) (projects.Session, error) {
	var se projects.Session
	err := s.db.QueryRowContext(ctx, `SELECT hash, user_id, created, expires FROM sessions WHERE hash = $1 AND expires > $2`,
		hash, at.UTC()).Scan(&se.Hash, &se.UserID, &se.Created, &se.Expires)
	se.Created, se.Expires = se.Created.UTC(), se.Expires.UTC()
	return se, s.wrap("session", err)
}

// DeleteSession implements projects.Store.
func (s *DB) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
	return s.wrap("delete session", err)
}

// DeleteExpiredSessions implements projects.Store.
func (s *DB) DeleteExpiredSessions(ctx context.Context, at time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires <= $1`, at.UTC())
	if err != nil {
		return 0, s.wrap("delete expired sessions", err)
	}
	n, err := res.RowsAffected()
	return n, s.wrap("delete expired sessions", err)
}

// Projects.

const projectCols = `id, user_id, name, description, task_id, file_name, doc_count, embedder, params, size, created, updated`

func scanProject(r scanner) (projects.Project, error) {
	var p projects.Project
	var params string
	err := r.Scan(&p.ID, &p.UserID, &p.Name, &p.Description, &p.TaskID, &p.FileName, &p.DocCount,
		&p.Embedder, &params, &p.Size, &p.Created, &p.Updated)
	p.Params = []byte(params)
	p.Created, p.Updated = p.Created.UTC(), p.Updated.UTC()
	return p, err
}

var (
	encoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault))
	decoder, _ = zstd.NewReader(nil)
)

// CreateProject implements projects.Store.
func (s *DB) CreateProject(ctx context.Context, p projects.Project, d projects.Data) (projects.Project, error) {
	result := encoder.EncodeAll(d.Result, nil)
	state := encoder.EncodeAll(d.State, nil)
	params := string(p.Params)
	if params == "" {
		params = "{}"
	}
	t := now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return projects.Project{}, s.wrap("create project", err)
	}
	defer tx.Rollback()
	p, err = scanProject(tx.QueryRowContext(ctx, `INSERT INTO projects (`+projectCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING `+projectCols,
		p.ID, p.UserID, p.Name, p.Description, p.TaskID, p.FileName, p.DocCount, p.Embedder, params,
		int64(len(result)+len(state)), t, t))
	if err != nil {
		return projects.Project{}, s.wrap("create project", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO project_data (project_id, result, state) VALUES ($1, $2, $3)`,
		p.ID, result, state); err != nil {
		return projects.Project{}, s.wrap("create project", err)
	}
	return p, s.wrap("create project", tx.Commit())
}

// Project implements projects.Store.
func (s *DB) Project(ctx context.Context, userID int64, id string) (projects.Project, error) {
	p, err := scanProject(s.db.QueryRowContext(ctx, `SELECT `+projectCols+` FROM projects WHERE id = $1 AND user_id = $2`, id, userID))
	return p, s.wrap("project", err)
}

// Projects implements projects.Store.
func (s *DB) Projects(ctx context.Context, userID int64, limit, offset int) ([]projects.Project, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+projectCols+` FROM projects WHERE user_id = $1
		ORDER BY created DESC, id DESC LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, s.wrap("projects", err)
	}
	defer rows.Close()
	ps := []projects.Project{}
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, s.wrap("projects", err)
		}
		ps = append(ps, p)
	}
	return ps, s.wrap("projects", rows.Err())
}

// UpdateProject implements projects.Store.
func (s *DB) UpdateProject(ctx context.Context, userID int64, id, name, description string) (projects.Project, error) {
	p, err := scanProject(s.db.QueryRowContext(ctx, `UPDATE projects SET name = $1, description = $2, updated = $3
		WHERE id = $4 AND user_id = $5 RETURNING `+projectCols, name, description, now(), id, userID))
	return p, s.wrap("update project", err)
}

// DeleteProject implements projects.Store.
func (s *DB) DeleteProject(ctx context.Context, userID int64, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM projects WHERE id = $1 AND user_id = $2`, id, userID)
	return s.affected("delete project", res, err)
}

// ProjectData implements projects.Store.
func (s *DB) ProjectData(ctx context.Context, id string) (projects.Data, error) {
	var result, state []byte
	err := s.db.QueryRowContext(ctx, `SELECT result, state FROM project_data WHERE project_id = $1`, id).Scan(&result, &state)
	if err != nil {
		return projects.Data{}, s.wrap("project data", err)
	}
	var d projects.Data
	if d.Result, err = decoder.DecodeAll(result, nil); err != nil {
		return projects.Data{}, fmt.Errorf("projects: project data %s: result: %w", id, err)
	}
	if d.State, err = decoder.DecodeAll(state, nil); err != nil {
		return projects.Data{}, fmt.Errorf("projects: project data %s: state: %w", id, err)
	}
	return d, nil
}

// Shares.

// CreateShare implements projects.Store.
func (s *DB) CreateShare(ctx context.Context, projectID string, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO shares (hash, project_id, created) VALUES ($1, $2, $3)`, hash, projectID, now())
	return s.wrap("create share", err)
}

// DeleteShares implements projects.Store.
func (s *DB) DeleteShares(ctx context.Context, projectID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM shares WHERE project_id = $1`, projectID)
	return s.wrap("delete shares", err)
}

// SharedProject implements projects.Store.
func (s *DB) SharedProject(ctx context.Context, hash []byte) (projects.Project, error) {
	p, err := scanProject(s.db.QueryRowContext(ctx, `SELECT `+prefixed("p.", projectCols)+`
		FROM shares s JOIN projects p ON p.id = s.project_id WHERE s.hash = $1`, hash))
	return p, s.wrap("shared project", err)
}

// prefixed qualifies each of the comma-separated columns with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}
