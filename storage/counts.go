package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// ServiceCount is how many people a service served in a period, and how
// many of them through its online channel (egovpulse counts import).
type ServiceCount struct {
	ServiceCode string    `gorm:"column:service_code;primaryKey"`
	PeriodKey   string    `gorm:"column:period_key;primaryKey"` // "2026-11" or "2026-Q4"
	Total       int       `gorm:"column:total"`
	Online      int       `gorm:"column:online"`
	UpdatedAt   time.Time `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName is the GORM table of ServiceCount.
func (ServiceCount) TableName() string { return "service_counts" }

// SaveServiceCounts stores the counts in one transaction, replacing those
// already kept for the same service and period.
func (s *Store) SaveServiceCounts(ctx context.Context, counts []ServiceCount) error {
	return s.Tx(ctx, func(tx *Tx) error { return tx.SaveServiceCounts(counts) })
}

// SaveServiceCounts stores the counts in the transaction, replacing those
// already kept for the same service and period (the bot's /lapor).
func (tx *Tx) SaveServiceCounts(counts []ServiceCount) error {
	now := tx.now()
	for _, c := range counts {
		c.UpdatedAt = now
		err := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "service_code"}, {Name: "period_key"}},
			DoUpdates: clause.AssignmentColumns([]string{"total", "online", "updated_at"})}).Create(&c).Error
		if err != nil {
			return fmt.Errorf("save service counts %s %s: %w", c.ServiceCode, c.PeriodKey, err)
		}
	}
	return nil
}

// ServiceCounts returns every stored count, by service and period.
func (s *Store) ServiceCounts(ctx context.Context) ([]ServiceCount, error) {
	var out []ServiceCount
	if err := s.db.WithContext(ctx).Order("service_code, period_key").Find(&out).Error; err != nil {
		return nil, s.scrub(fmt.Errorf("service counts: %w", err))
	}
	return out, nil
}
