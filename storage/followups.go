package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// Follow-up statuses.
const (
	FollowUpOpen       = "open"
	FollowUpInProgress = "in_progress"
	FollowUpDone       = "done"
	FollowUpDropped    = "dropped"
)

// FollowUpStatuses lists the statuses in the order a follow-up moves.
func FollowUpStatuses() []string {
	return []string{FollowUpOpen, FollowUpInProgress, FollowUpDone, FollowUpDropped}
}

// Limits of what an admin types into a follow-up.
const (
	MaxFollowUpOwner  = 200
	MaxFollowUpAction = 1000
)

// FollowUp is a follow-up item: a service whose lowest unsur was in band C
// or D in a quarter, with who does what by when.
type FollowUp struct {
	ID          int64      `gorm:"column:id;primaryKey" json:"id"`
	ServiceCode string     `gorm:"column:service_code" json:"service_code"`
	OPDCode     string     `gorm:"column:opd_code" json:"opd_code"`
	PeriodKey   string     `gorm:"column:period_key" json:"period_key"` // the quarter, "2026-Q4"
	Element     string     `gorm:"column:element" json:"element"`
	Score       float64    `gorm:"column:score" json:"score"` // the unsur's NRR × 25 then
	Mutu        string     `gorm:"column:mutu" json:"mutu"`
	Owner       string     `gorm:"column:owner" json:"owner"`
	Action      string     `gorm:"column:action" json:"action"`
	DueDate     *time.Time `gorm:"column:due_date;type:date" json:"due_date,omitempty"`
	Status      string     `gorm:"column:status" json:"status"`
	CreatedAt   time.Time  `gorm:"column:created_at;autoCreateTime:false" json:"created_at"`
	UpdatedAt   time.Time  `gorm:"column:updated_at;autoUpdateTime:false" json:"updated_at"`
	UpdatedBy   int64      `gorm:"column:updated_by" json:"updated_by"`
}

// TableName is the GORM table of FollowUp.
func (FollowUp) TableName() string { return "follow_ups" }

// Closed reports whether nothing more is expected of the item.
func (f FollowUp) Closed() bool { return f.Status == FollowUpDone || f.Status == FollowUpDropped }

// Overdue reports whether the item is still open past its due date on the
// day of now (in loc): due on the 5th, it is overdue from the 6th.
func (f FollowUp) Overdue(now time.Time, loc *time.Location) bool {
	if f.Closed() || f.DueDate == nil {
		return false
	}
	y, m, d := now.In(loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	dy, dm, dd := f.DueDate.Date()
	return today.After(time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC))
}

// AddFollowUps stores new items (status open), skipping a service that
// already has one for the period: a job run twice adds nothing. It
// returns how many were added.
func (tx *Tx) AddFollowUps(items []FollowUp) (int, error) {
	now := tx.now()
	added := 0
	for _, f := range items {
		f.ID, f.Status, f.CreatedAt, f.UpdatedAt = 0, FollowUpOpen, now, now
		res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&f)
		if res.Error != nil {
			return added, fmt.Errorf("add follow-up %s %s: %w", f.ServiceCode, f.PeriodKey, res.Error)
		}
		if res.RowsAffected > 0 {
			added++
		}
	}
	return added, nil
}

// FollowUpFilter selects follow-ups; zero fields select everything.
type FollowUpFilter struct {
	OPD       string
	PeriodKey string
	// OpenOnly leaves out done and dropped items.
	OpenOnly bool
}

// FollowUps lists items by period (newest first), OPD and service.
func (s *Store) FollowUps(ctx context.Context, f FollowUpFilter) ([]FollowUp, error) {
	db := s.db.WithContext(ctx).Order("period_key DESC, opd_code, service_code")
	if f.OPD != "" {
		db = db.Where("opd_code = ?", f.OPD)
	}
	if f.PeriodKey != "" {
		db = db.Where("period_key = ?", f.PeriodKey)
	}
	if f.OpenOnly {
		db = db.Where("status IN ?", []string{FollowUpOpen, FollowUpInProgress})
	}
	var out []FollowUp
	if err := db.Find(&out).Error; err != nil {
		return nil, s.scrub(fmt.Errorf("follow-ups: %w", err))
	}
	return out, nil
}

// FollowUp returns one item; ErrNotFound when no item has the id.
func (s *Store) FollowUp(ctx context.Context, id int64) (FollowUp, error) {
	var f FollowUp
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&f).Error; err != nil {
		return FollowUp{}, s.scrub(fmt.Errorf("follow-up %d: %w", id, notFound(err)))
	}
	return f, nil
}

// FollowUpChange is what an admin sets on an item; nil fields stay.
type FollowUpChange struct {
	Owner   *string
	Action  *string
	DueDate *time.Time // a date; its clock part is ignored
	Status  *string
	By      int64 // the admin's Telegram user id
}

// Errors of UpdateFollowUp, for the admin's own words.
var (
	ErrFollowUpStatus = errors.New("unknown follow-up status")
	ErrFollowUpText   = errors.New("follow-up text empty, too long or not UTF-8")
)

// UpdateFollowUp applies a change and returns the item as it now is; a
// bad value (unknown status, empty or overlong text) changes nothing.
func (s *Store) UpdateFollowUp(ctx context.Context, id int64, c FollowUpChange) (FollowUp, error) {
	var f FollowUp
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		f, err = tx.UpdateFollowUp(id, c)
		return err
	})
	return f, s.scrub(err)
}

// UpdateFollowUp is Store.UpdateFollowUp in tx (an admin's turn).
func (tx *Tx) UpdateFollowUp(id int64, c FollowUpChange) (FollowUp, error) {
	set := map[string]any{}
	for name, v := range map[string]*string{"owner": c.Owner, "action": c.Action} {
		if v == nil {
			continue
		}
		text, limit := strings.TrimSpace(*v), MaxFollowUpOwner
		if name == "action" {
			limit = MaxFollowUpAction
		}
		if text == "" || !utf8.ValidString(text) || utf8.RuneCountInString(text) > limit {
			return FollowUp{}, fmt.Errorf("follow-up %d %s: %w", id, name, ErrFollowUpText)
		}
		set[name] = text
	}
	if c.Status != nil {
		if !slices.Contains(FollowUpStatuses(), *c.Status) {
			return FollowUp{}, fmt.Errorf("follow-up %d: %w: %q", id, ErrFollowUpStatus, *c.Status)
		}
		set["status"] = *c.Status
	}
	if c.DueDate != nil {
		y, m, d := c.DueDate.Date()
		set["due_date"] = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	set["updated_at"], set["updated_by"] = tx.now(), c.By
	if err := tx.updateOne(&FollowUp{}, set, "id = ?", id); err != nil {
		return FollowUp{}, fmt.Errorf("update follow-up %d: %w", id, err)
	}
	var f FollowUp
	if err := tx.db.Where("id = ?", id).Take(&f).Error; err != nil {
		return FollowUp{}, fmt.Errorf("follow-up %d: %w", id, notFound(err))
	}
	return f, nil
}

// FollowUpFigure is an item's unsur in the quarter after the item's (so
// far): what the follow-up changed. Valid false when that quarter has no
// figure of at least 5 respondents for the service yet.
type FollowUpFigure struct {
	Period survey.Period
	Valid  bool
	Score  float64 // NRR × 25
	Mutu   scoring.Mutu
	N      int
}

// FollowUpFigures returns, by item id, the figure of each item's unsur in
// the quarter after the item's (periods in loc), from the stored service
// snapshots of the IKM.
func (s *Store) FollowUpFigures(ctx context.Context, items []FollowUp, loc *time.Location) (map[int64]FollowUpFigure, error) {
	out := make(map[int64]FollowUpFigure, len(items))
	byPeriod := map[string]map[string]scoring.Snapshot{}
	for _, it := range items {
		q, err := survey.ParsePeriodKey(it.PeriodKey, loc)
		if err != nil {
			return nil, fmt.Errorf("follow-up %d: %w", it.ID, err)
		}
		next := q.Next()
		snaps, ok := byPeriod[next.Key()]
		if !ok {
			if snaps, err = s.ServiceIKM(ctx, next, loc); err != nil {
				return nil, err
			}
			byPeriod[next.Key()] = snaps
		}
		fig := FollowUpFigure{Period: next}
		if sn, ok := snaps[it.ServiceCode]; ok && sn.N >= scoring.MinReportN {
			fig.N = sn.N
			for _, e := range sn.Details.Elements {
				if e.Key == it.Element && e.Count > 0 {
					fig.Valid, fig.Score = true, 25*e.Sum/float64(e.Count)
					fig.Mutu = scoring.MutuOf(fig.Score)
				}
			}
		}
		out[it.ID] = fig
	}
	return out, nil
}

// ServiceIKM returns the services' IKM snapshots of p (in loc) by
// service code.
func (s *Store) ServiceIKM(ctx context.Context, p survey.Period, loc *time.Location) (map[string]scoring.Snapshot, error) {
	rows, err := s.Snapshots(ctx, scoring.IndexIKM, p)
	if err != nil {
		return nil, err
	}
	out := map[string]scoring.Snapshot{}
	for _, r := range rows {
		if r.ScopeKind != string(scoring.ScopeService) {
			continue
		}
		sn, err := r.Snapshot(loc)
		if err != nil {
			return nil, fmt.Errorf("follow-ups %s: %w", p.Key(), err)
		}
		out[r.ScopeCode] = sn
	}
	return out, nil
}
