package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/bunkatopics/bunka-go/internal/auth"
	"github.com/bunkatopics/bunka-go/internal/config"
	"github.com/bunkatopics/bunka-go/internal/service"
)

// Where the account commands read passwords and write; tests replace them.
var (
	stdin  io.Reader = os.Stdin
	stdout io.Writer = os.Stdout
	stderr io.Writer = os.Stderr
)

// openAuth opens the accounts database that the environment names
// (DATABASE_URL or BUNKA_DATA_DIR, as the API) and an auth.Service on it.
func openAuth(ctx context.Context) (*auth.Service, func() error, error) {
	cfg, err := config.FromEnv(os.LookupEnv)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ps, err := service.OpenProjects(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	return auth.New(ps, auth.Config{Logger: log}), ps.Close, nil
}

// readPassword reads a password: from the terminal without echo (twice,
// to confirm) when standard input is one, else the first line of standard
// input. Never from the command line, where ps and shell history see it.
func readPassword() (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("the passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	p := strings.TrimRight(line, "\r\n")
	if p == "" {
		return "", errors.New("no password on standard input")
	}
	return p, nil
}

// runUsers is "bunka users add|list|disable|enable|passwd".
func runUsers(ctx context.Context, args []string) error {
	const usage = `usage: bunka users <add|passwd|disable|enable> EMAIL
       bunka users list

add and passwd read the password from the terminal, or from the first line
of standard input (echo "$PW" | bunka users add ann@example.com).
The database is DATABASE_URL's, or bunka.db in BUNKA_DATA_DIR (./bunka-data).`
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, usage)
		return flag.ErrHelp
	}
	sub, rest := args[0], args[1:]
	if (sub == "list") != (len(rest) == 0) || len(rest) > 1 {
		fmt.Fprintln(stderr, usage)
		return flag.ErrHelp
	}
	a, closeDB, err := openAuth(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	switch sub {
	case "list":
		us, err := a.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tSTATE\tCREATED")
		for _, u := range us {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", u.ID, u.Email, state, u.Created.Format(time.RFC3339))
		}
		return tw.Flush()
	case "add":
		pw, err := readPassword()
		if err != nil {
			return err
		}
		u, err := a.AddUser(ctx, rest[0], pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %d %s added\n", u.ID, u.Email)
	case "passwd":
		pw, err := readPassword()
		if err != nil {
			return err
		}
		if err := a.SetPassword(ctx, rest[0], pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed\n", rest[0])
	case "disable", "enable":
		if err := a.SetDisabled(ctx, rest[0], sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s %sd\n", rest[0], sub)
	default:
		fmt.Fprintln(stderr, usage)
		return flag.ErrHelp
	}
	return nil
}

// runKeys is "bunka keys create --user EMAIL --name NAME".
func runKeys(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: bunka keys create --user EMAIL --name NAME")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.String("user", "", "the key's user (email)")
	name := fs.String("name", "", "what the key is for (laptop, ci, ...)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *user == "" || *name == "" || fs.NArg() > 0 {
		fs.Usage()
		return flag.ErrHelp
	}
	a, closeDB, err := openAuth(ctx)
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := a.UserByEmail(ctx, *user)
	if err != nil {
		return fmt.Errorf("user %s: %w", *user, err)
	}
	k, secret, err := a.CreateKey(ctx, u.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "key %s (%q) of %s; it is shown this once:\n", k.ID, k.Name, u.Email)
	fmt.Fprintln(stdout, secret)
	return nil
}
