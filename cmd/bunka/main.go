// Command bunka is the project's command-line tool.
//
// Usage:
//
//	bunka <command> [flags]
//
// Commands:
//
//	keys      create an API key for a user
//	project   2-D UMAP projection of the rows of a .npy file
//	render    SVG, PNG or interactive HTML map of a result JSON
//	serve     the API and a worker in one process (embedded Redis if none is configured)
//	topics    topic map (and Bourdieu map) of one column of a CSV file
//	users     add, list, disable, enable users and change their passwords
//
// Run "bunka <command> -h" for a command's flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// commands maps each subcommand to its entry point; args exclude the
// command's name. Adding a subcommand is one line here and one file.
var commands = map[string]func(ctx context.Context, args []string) error{
	"keys":    runKeys,
	"project": runProject,
	"render":  runRender,
	"serve":   runServe,
	"topics":  runTopics,
	"users":   runUsers,
}

func usage() {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	slices.Sort(names)
	fmt.Fprintf(os.Stderr, "usage: bunka <command> [flags]\ncommands: %s\n", strings.Join(names, ", "))
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(2)
	}
	run, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "bunka: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[2:])
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bunka %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
