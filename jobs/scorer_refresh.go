package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/kotasolok/egovpulse/scoring"
)

// Refresh brings the snapshots up to date before they are shown (the
// weekly summary "reflects every answer submitted before it was asked"):
// the incremental recompute of everything submitted since the last
// incremental run, at once rather than at the next slot, under a key of
// its own (so it never takes a cron slot), without the slot lock. With
// nothing submitted since, it only records the run.
func (s *Scorer) Refresh(ctx context.Context) (RunResult, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return RunResult{}, fmt.Errorf("refresh run id: %w", err)
	}
	key := "refresh-" + s.now().UTC().Format("2006-01-02T15:04:05.000Z") + "-" + hex.EncodeToString(b[:])
	return s.run(ctx, JobScoreIncremental, key, false, func(ctx context.Context, res *RunResult) (scoring.RecomputeResult, error) {
		return s.incremental(ctx, res)
	})
}
