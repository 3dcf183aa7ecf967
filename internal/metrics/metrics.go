// Package metrics holds the service's Prometheus collectors, one registry
// per service instance (never the global default registry, so tests can
// run several services in one process), served as text on GET /metrics.
//
// Every method is safe on a nil *Metrics and then does nothing, so a
// package given no metrics works unchanged.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric of the service.
const namespace = "egovpulse"

// UpdateOutcome is what became of one Telegram update.
type UpdateOutcome string

// The outcomes of an update.
const (
	// UpdateApplied: its effects were committed.
	UpdateApplied UpdateOutcome = "applied"
	// UpdateDuplicate: it had been applied before (a redelivery).
	UpdateDuplicate UpdateOutcome = "duplicate"
	// UpdateIgnored: it belongs to no chat the bot acts on (recorded, no effect).
	UpdateIgnored UpdateOutcome = "ignored"
	// UpdateFailed: applying it failed; it will be delivered again.
	UpdateFailed UpdateOutcome = "failed"
	// UpdateDeadLettered: it kept failing and was set aside.
	UpdateDeadLettered UpdateOutcome = "dead_lettered"
)

// SendOutcome is how Telegram answered one Bot API request of the sender.
type SendOutcome string

// The outcomes of a request.
const (
	// SendOK: accepted (an edit that changed nothing included).
	SendOK SendOutcome = "ok"
	// SendRateLimited: 429, retry after a while.
	SendRateLimited SendOutcome = "429"
	// SendBlocked: 403, or a chat that does not exist.
	SendBlocked SendOutcome = "403"
	// SendError: any other failure (4xx, 5xx, network).
	SendError SendOutcome = "error"
)

// JobResult is how one scheduled job run ended.
type JobResult string

// The results of a job run.
const (
	JobOK    JobResult = "ok"
	JobError JobResult = "error"
	JobPanic JobResult = "panic"
)

// Metrics is the service's set of collectors and their registry.
type Metrics struct {
	reg        *prometheus.Registry
	received   prometheus.Counter
	updates    *prometheus.CounterVec
	handle     prometheus.Histogram
	answers    prometheus.Counter
	sends      *prometheus.CounterVec
	queue      prometheus.Gauge
	rebuilds   prometheus.Counter
	lockWaits  prometheus.Counter
	jobRuns    *prometheus.CounterVec
	jobSeconds *prometheus.HistogramVec
	outDepth   prometheus.Gauge
	outOldest  prometheus.Gauge
	outDone    *prometheus.CounterVec
	// The children of the fixed outcomes, looked up once: the hot path
	// then costs an atomic add, not a label lookup.
	byUpdate map[UpdateOutcome]prometheus.Counter
	bySend   map[SendOutcome]prometheus.Counter
}

// New returns a fresh set of collectors on a registry of its own, which
// also holds the Go runtime and process collectors (go_*, process_*).
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		received: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace,
			Name: "updates_received_total", Help: "Telegram updates received (polling and webhook)."}),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace,
			Name: "updates_total", Help: "Telegram updates handled, by outcome: applied, duplicate (applied before), ignored, failed (to be delivered again), dead_lettered."},
			[]string{"outcome"}),
		handle: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: namespace,
			Name: "update_handle_seconds", Help: "Time to handle one update, from its arrival to its commit (turn wait included).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}),
		answers: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace,
			Name: "answers_stored_total", Help: "Survey answers written to the database (counted once committed)."}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace,
			Name: "telegram_sends_total", Help: "Bot API requests of the sender, by outcome: ok, 429, 403, error."},
			[]string{"outcome"}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace,
			Name: "sender_queue_depth", Help: "Messages waiting in the sender's per-chat queues."}),
		rebuilds: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace,
			Name: "session_rebuilds_total", Help: "Conversations rebuilt from the database (no stored session: a new chat, or an expired, lost or unreadable session)."}),
		lockWaits: prometheus.NewCounter(prometheus.CounterOpts{Namespace: namespace,
			Name: "lock_waits_total", Help: "Chat turns that had to wait for another update of the same chat."}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace,
			Name: "job_runs_total", Help: "Scheduled job runs, by job and result (ok, error, panic)."},
			[]string{"job", "result"}),
		jobSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace,
			Name: "job_duration_seconds", Help: "Duration of scheduled job runs, by job and result.",
			Buckets: []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300, 900}},
			[]string{"job", "result"}),
		outDepth: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace,
			Name: "outbox_depth", Help: "Outbox messages still owed (pending, claimed or being sent), as last seen by this replica's drainer."}),
		outOldest: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: namespace,
			Name: "outbox_oldest_age_seconds", Help: "Age of the oldest owed outbox message (0 when none)."}),
		outDone: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace,
			Name: "outbox_messages_total", Help: "Outbox messages settled by this replica, by state: sent, blocked, failed, unknown, retry."},
			[]string{"state"}),
	}
	m.reg.MustRegister(m.received, m.updates, m.handle, m.answers, m.sends, m.queue, m.rebuilds, m.lockWaits,
		m.jobRuns, m.jobSeconds, m.outDepth, m.outOldest, m.outDone,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every outcome is exported from the start, at 0, so a rate over a
	// series that has not moved yet is 0 rather than missing.
	m.byUpdate, m.bySend = map[UpdateOutcome]prometheus.Counter{}, map[SendOutcome]prometheus.Counter{}
	for _, o := range []UpdateOutcome{UpdateApplied, UpdateDuplicate, UpdateIgnored, UpdateFailed, UpdateDeadLettered} {
		m.byUpdate[o] = m.updates.WithLabelValues(string(o))
	}
	for _, o := range []SendOutcome{SendOK, SendRateLimited, SendBlocked, SendError} {
		m.bySend[o] = m.sends.WithLabelValues(string(o))
	}
	return m
}

// Handler serves the registry in the Prometheus text format (GET /metrics).
// A nil Metrics serves 404.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry returns the registry the collectors are on (nil for a nil
// Metrics), for collectors of other packages.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// UpdateReceived counts an update arriving at the bot.
func (m *Metrics) UpdateReceived() {
	if m != nil {
		m.received.Inc()
	}
}

// Update counts what became of an update.
func (m *Metrics) Update(o UpdateOutcome) {
	if m == nil {
		return
	}
	if c, ok := m.byUpdate[o]; ok {
		c.Inc()
		return
	}
	m.updates.WithLabelValues(string(o)).Inc()
}

// ObserveHandle records how long one update took to handle.
func (m *Metrics) ObserveHandle(d time.Duration) {
	if m != nil {
		m.handle.Observe(d.Seconds())
	}
}

// AnswersStored counts n answers committed to the database.
func (m *Metrics) AnswersStored(n int) {
	if m != nil && n > 0 {
		m.answers.Add(float64(n))
	}
}

// Sent counts one Bot API request of the sender by its outcome.
func (m *Metrics) Sent(o SendOutcome) {
	if m == nil {
		return
	}
	if c, ok := m.bySend[o]; ok {
		c.Inc()
		return
	}
	m.sends.WithLabelValues(string(o)).Inc()
}

// QueueAdd moves the sender's queue depth by delta (negative when messages
// leave the queues).
func (m *Metrics) QueueAdd(delta int) {
	if m != nil && delta != 0 {
		m.queue.Add(float64(delta))
	}
}

// SessionRebuilt counts a conversation rebuilt from the database.
func (m *Metrics) SessionRebuilt() {
	if m != nil {
		m.rebuilds.Inc()
	}
}

// TurnTaken records a chat's turn taken; waited says it had to wait for
// another update of the chat first (a lock wait, counted).
func (m *Metrics) TurnTaken(waited bool) {
	if m != nil && waited {
		m.lockWaits.Inc()
	}
}

// JobRun counts one run of a scheduled job and records its duration.
func (m *Metrics) JobRun(job string, r JobResult, d time.Duration) {
	if m != nil {
		m.jobRuns.WithLabelValues(job, string(r)).Inc()
		m.jobSeconds.WithLabelValues(job, string(r)).Observe(d.Seconds())
	}
}

// Outbox records the outbox depth (messages still owed) and the age of
// the oldest of them.
func (m *Metrics) Outbox(depth int64, oldest time.Duration) {
	if m != nil {
		m.outDepth.Set(float64(depth))
		m.outOldest.Set(max(oldest, 0).Seconds())
	}
}

// OutboxSettled counts one outbox message settled in state (or "retry"
// when it goes back to wait).
func (m *Metrics) OutboxSettled(state string) {
	if m != nil {
		m.outDone.WithLabelValues(state).Inc()
	}
}
