package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCmd runs a command with in as standard input and returns its output.
func runCmd(t *testing.T, in string, fn func(context.Context, []string) error, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	oldIn, oldOut, oldErr := stdin, stdout, stderr
	stdin, stdout, stderr = strings.NewReader(in), &out, &errOut
	t.Cleanup(func() { stdin, stdout, stderr = oldIn, oldOut, oldErr })
	err := fn(context.Background(), args)
	return out.String(), err
}

func TestUsersAndKeys(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("BUNKA_DATA_DIR", t.TempDir())
	if out, err := runCmd(t, "secret-password\n", runUsers, "add", "ann@example.com"); err != nil || !strings.Contains(out, "ann@example.com added") {
		t.Fatalf("users add: %q, %v", out, err)
	}
	if _, err := runCmd(t, "secret-password\n", runUsers, "add", "ann@example.com"); err == nil {
		t.Error("adding a user twice succeeded")
	}
	if _, err := runCmd(t, "short\n", runUsers, "add", "bob@example.com"); err == nil {
		t.Error("a short password was accepted")
	}
	if _, err := runCmd(t, "", runUsers, "add", "bob@example.com"); err == nil {
		t.Error("an empty standard input was accepted as a password")
	}
	if out, err := runCmd(t, "", runUsers, "disable", "ann@example.com"); err != nil || !strings.Contains(out, "disabled") {
		t.Errorf("users disable: %q, %v", out, err)
	}
	out, err := runCmd(t, "", runUsers, "list")
	if err != nil || !strings.Contains(out, "ann@example.com") || !strings.Contains(out, "disabled") {
		t.Errorf("users list: %q, %v", out, err)
	}
	if _, err := runCmd(t, "another-password\n", runUsers, "passwd", "ann@example.com"); err != nil {
		t.Errorf("users passwd: %v", err)
	}
	out, err = runCmd(t, "", runKeys, "create", "--user", "ann@example.com", "--name", "laptop")
	if err != nil || !strings.HasPrefix(out, "bk_") {
		t.Errorf("keys create: %q, %v", out, err)
	}
	if _, err := runCmd(t, "", runKeys, "create", "--user", "nobody@example.com", "--name", "x"); err == nil {
		t.Error("a key for an unknown user was created")
	}
}
