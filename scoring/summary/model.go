package summary

import (
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// Unit is a scope of the summary: the city, an OPD or a service.
type Unit struct {
	Kind scoring.ScopeKind
	Code string // "" for the city
	Name survey.Text
}

// Input is what a summary is composed from, as loaded by the caller:
// every snapshot (every index and scope) of the shown period, of the one
// before it and of the figures' period (FiguresPeriod), and the IKM
// snapshots of the trend's weeks.
type Input struct {
	Period  survey.Period
	Figures survey.Period
	AsOf    time.Time
	// Scope is the city or the OPD asked for; Units its OPDs (the city) or
	// services (an OPD), in catalog order.
	Scope Unit
	Units []Unit
	// Current, Previous and FigureSnaps are the snapshots of Period, of
	// Period.Prev() and of Figures.
	Current, Previous, FigureSnaps []scoring.Snapshot
	// Weeks are the trend's weeks (TrendWeeks), WeekSnaps the scope's IKM
	// snapshots among them.
	Weeks     []survey.Period
	WeekSnaps []scoring.Snapshot
	// Headcount is the active officials per OPD code (the roster).
	Headcount map[string]int
	// ObstacleNames names the officials' obstacles by choice value.
	ObstacleNames map[string]survey.Text
	// OpenFollowUps is how many follow-up items are not done or dropped,
	// and OverdueFollowUps how many of them are past their due date.
	OpenFollowUps, OverdueFollowUps int
}

// IKM is one IKM figure as the summary shows it. Suppressed: fewer than
// scoring.MinReportN respondents, so Valid is false and nothing but N is
// kept.
type IKM struct {
	Valid      bool
	Suppressed bool
	Value      float64 // full precision
	Mutu       scoring.Mutu
	N          int
	NRequired  int
	Status     scoring.Status
	HasCI      bool
	CILow      float64
	CIHigh     float64
	// Pooled is the city's IKM of all respondents pooled (the headline is
	// the mean of OPD IKMs); nil elsewhere.
	Pooled     *float64
	PooledMutu scoring.Mutu
}

// Element is one unsur's score in a scope.
type Element struct {
	Key  string
	Name survey.Text
	NRR  float64 // 1–4
	Mutu scoring.Mutu
	N    int // respondents who answered it
}

// Score is the element on the 25–100 scale.
func (e Element) Score() float64 { return e.NRR * 25 }

// Line is one OPD (or service) of the summary.
type Line struct {
	Unit Unit
	IKM  IKM
	// Silent: no resident answered in the shown period.
	Silent bool
}

// Figure is one usage or impact headline.
type Figure struct {
	Key        string
	Valid      bool
	Suppressed bool
	Value      float64
	N          int
	Band       string
}

// Officials is the officials' coverage and their main obstacles.
type Officials struct {
	Respondents int
	Headcount   int
	Suppressed  bool
	Obstacles   []Obstacle
}

// Obstacle is one of the officials' obstacles with the share of
// respondents naming it.
type Obstacle struct {
	Key   string
	Name  survey.Text
	Share float64
}

// LearnFrom names, for the scope's weakest unsur, the unit that scores
// best on it among those with at least scoring.MinReportN respondents.
type LearnFrom struct {
	Element Element // the scope's
	Unit    Unit
	Best    Element // the unit's
}

// Fall is an unsur whose score (NRR × 25) fell by more than the half-width
// of the scope's IKM confidence interval since the previous period.
type Fall struct {
	Element  Element
	From, To float64 // 25–100
	Margin   float64 // the CI half-width
}

// Alerts are what needs attention.
type Alerts struct {
	Falls   []Fall
	Silent  []Unit
	Overdue int
}

// Empty reports whether there is nothing to alert.
func (a Alerts) Empty() bool { return len(a.Falls) == 0 && len(a.Silent) == 0 && a.Overdue == 0 }

// TrendPoint is the scope's IKM of one week.
type TrendPoint struct {
	Week       survey.Period
	Valid      bool
	Suppressed bool
	Value      float64
	N          int
}

// Summary is the composed summary; Text renders it.
type Summary struct {
	Period, Figures survey.Period
	AsOf            time.Time
	Scope           Unit
	// Responses are the respondents of the shown period and of the one
	// before (the IKM's n: residents who answered an unsur).
	Responses, PrevResponses int
	Completion               Figure
	IKM                      IKM
	Lowest, Highest          *Element
	Lines                    []Line
	Usage                    []Figure
	Officials                Officials
	// OpenFollowUps counts the follow-up items not done or dropped.
	OpenFollowUps int
	LearnFrom     *LearnFrom
	Alerts        Alerts
	// Sementara: a figure shown rests on fewer respondents than the
	// minimum sample.
	Sementara bool
	Trend     []TrendPoint
}

// UsageKeys are the usage and impact headlines, in order.
func UsageKeys() []string {
	return []string{scoring.IndexPemanfaatan, scoring.IndexOnlineChoice, scoring.IndexDigitalTakeUp,
		scoring.IndexDampak, scoring.IndexMenitHemat}
}
