package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kotasolok/egovpulse/jobs"
)

// runPurge deletes the processed update ids past their retention now: the
// function the daily job runs, as a manual run.
func runPurge(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 {
		return usageError("purge takes no arguments")
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	p := &jobs.Purger{Store: st, Location: cfg.Location, Log: log}
	res, err := p.Manual(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "purged %d processed update ids recorded before %s (kept %d days)\n",
		res.Deleted, res.Before.In(cfg.Location).Format(time.DateTime+" MST"), int(jobs.DefaultUpdateRetention.Hours()/24))
	return nil
}
