//go:build race

package jobs_test

// raceDetector: the race detector instruments the pure-Go SQLite engine
// too, which makes each statement about ten times slower.
const raceDetector = true
