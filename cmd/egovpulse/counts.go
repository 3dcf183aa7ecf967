package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/kotasolok/egovpulse/internal/csvin"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// countsColumns are the service counts file's columns, Indonesian or English.
var countsColumns = []csvin.Column{
	{Name: "service", Aliases: []string{"layanan", "service"}},
	{Name: "period", Aliases: []string{"periode", "period"}},
	{Name: "total", Aliases: []string{"jumlah", "total"}},
	{Name: "online", Aliases: []string{"daring", "online"}},
}

const countsUsage = "usage: counts import FILE.csv [--skip-invalid]"

// runCounts dispatches `egovpulse counts <sub>`.
func runCounts(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError(countsUsage)
	}
	return runCSVImport(ctx, env, args[1:], csvImport[storage.ServiceCount]{
		name: "counts import", usage: countsUsage, what: "counts", parse: parseCounts,
		store: func(ctx context.Context, st *storage.Store, counts []storage.ServiceCount, _ bool) (string, error) {
			if err := st.SaveServiceCounts(ctx, counts); err != nil {
				return "", err
			}
			return fmt.Sprintf("%d count(s) stored; `egovpulse score` uses them", len(counts)), nil
		},
	})
}

// parseCounts reads a counts file: the valid counts and every bad line.
func parseCounts(data []byte, cat *survey.Catalog) ([]storage.ServiceCount, csvin.Errors, error) {
	rows, bad, err := csvin.Read(data, countsColumns)
	if err != nil {
		return nil, nil, err
	}
	var out []storage.ServiceCount
	first := map[string]int{} // service + period → line
	for _, r := range rows {
		c, lerr := serviceCount(r, cat)
		if lerr == nil {
			if line, dup := first[c.ServiceCode+"/"+c.PeriodKey]; dup {
				e := r.Errorf("%s %s appears twice (first on line %d)", c.ServiceCode, c.PeriodKey, line)
				lerr = &e
			}
		}
		if lerr != nil {
			bad = append(bad, *lerr)
			continue
		}
		first[c.ServiceCode+"/"+c.PeriodKey] = r.Line
		out = append(out, c)
	}
	slices.SortStableFunc(bad, func(a, b csvin.LineError) int { return a.Line - b.Line })
	return out, bad, nil
}

// serviceCount checks one row: a catalog service, a month or quarter, and
// whole numbers with 0 ≤ online ≤ total.
func serviceCount(r csvin.Row, cat *survey.Catalog) (storage.ServiceCount, *csvin.LineError) {
	c := storage.ServiceCount{ServiceCode: r.Get("service"), PeriodKey: r.Get("period")}
	var fail csvin.LineError
	total, errT := strconv.Atoi(r.Get("total"))
	online, errO := strconv.Atoi(r.Get("online"))
	p, errP := survey.ParsePeriodKey(c.PeriodKey, time.UTC)
	switch _, known := cat.Service(c.ServiceCode); {
	case !known:
		fail = r.Errorf("unknown service %q (not in the catalog)", c.ServiceCode)
	case errP != nil || (p.Kind != survey.PeriodMonth && p.Kind != survey.PeriodQuarter):
		fail = r.Errorf("period %q is not a month or a quarter (want like 2026-11 or 2026-Q4)", c.PeriodKey)
	case errT != nil || total < 0:
		fail = r.Errorf("total %q is not a whole number ≥ 0", r.Get("total"))
	case errO != nil || online < 0:
		fail = r.Errorf("online %q is not a whole number ≥ 0", r.Get("online"))
	case online > total:
		fail = r.Errorf("online %d is more than the total %d", online, total)
	default:
		c.Total, c.Online = total, online
		return c, nil
	}
	return c, &fail
}
