// Command egovpulse is the one binary of the service: the Telegram bot, the
// maintenance commands and the try-it mode. `egovpulse help` lists the
// subcommands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	_ "time/tzdata" // Asia/Jakarta must load in a bare container
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *environment, args []string) error
}

// environment is what every subcommand gets: the streams and the process
// environment, so tests can run commands in-process.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"demo", "the one-command tour: simulate weeks of residents and officials over an emulated Telegram, recompute, print the summary as an admin receives it: demo [--seed N] [--weeks N] [--residents N] [--out DIR]", runDemo},
		{"chat", "try it: be a Telegram user in the terminal (emulated Telegram, embedded database): chat [--as resident|official|admin] [--service CODE] [--log FILE]", runChat},
		{"serve", "run the Telegram bot (polling or webhook) and its HTTP server", runServe},
		{"score", "recompute the scores and print the quarter's IKM: score [--period P] [--from DATE] [--all] [--json]", runScore},
		{"counts", "load the people served per service and period (N of the IKM sample check, digital take-up): counts import FILE.csv [--skip-invalid]", runCounts},
		{"summary", "print the summary /ringkasan sends and write its chart: summary [minggu|bulan|triwulan|tahun] [OPD] [PERIOD] [--lang en] [--chart FILE]", runSummary},
		{"migrate", "apply pending database migrations", runMigrate},
		{"officials", "the officials' roster: officials import FILE.csv [--skip-invalid] | list [--opd CODE] | invite --opd CODE [--csv FILE] | revoke ID", runOfficials},
		{"followups", "follow-up items for services whose lowest unsur is in band C or D: followups list [--opd CODE] [--open] | set ID [--owner] [--action] [--due] [--status] | open", runFollowUps},
		{"purge", "delete processed update ids older than 8 days now (the daily job's function)", runPurge},
		{"validate", "check survey and catalog files: validate [files…] (none: the configured ones)", runValidate},
		{"version", "print the version", runVersion},
		{"help", "list the commands", nil},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &environment{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run executes one subcommand and returns the process exit code: 0 success,
// 1 failure, 2 usage error.
func run(ctx context.Context, args []string, env *environment) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		if err := c.run(ctx, env, args[1:]); err != nil {
			fmt.Fprintf(env.stderr, "egovpulse %s: %v\n", c.name, err)
			if _, ok := err.(usageError); ok {
				return 2
			}
			return 1
		}
		return 0
	}
	fmt.Fprintf(env.stderr, "egovpulse: unknown command %q\n\n", args[0])
	usage(env.stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "egovpulse: Telegram surveys of e-government use, impact and satisfaction (SKM/IKM) for Kota Solok.")
	fmt.Fprintln(w, "\nUsage: egovpulse <command> [arguments]\n\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from environment variables; see README.md.")
}

// usageError marks a mistake in the command line (exit code 2).
type usageError string

func (e usageError) Error() string { return string(e) }

func runVersion(_ context.Context, env *environment, _ []string) error {
	fmt.Fprintf(env.stdout, "egovpulse %s\n", version)
	return nil
}
