package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

func TestProfileRememberedScreenedOutAndDeleted(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 41)
		tx := func(fn func(tx *storage.Tx) error) {
			t.Helper()
			if err := st.Tx(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		tx(func(tx *storage.Tx) error {
			if _, err := tx.Profile(key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("profile before any: %v, want ErrNotFound", err)
			}
			return tx.SaveProfile(key, map[string]survey.Answer{"usia": {Value: "26_35"}, "disabilitas": {Skipped: true}}, t0)
		})
		tx(func(tx *storage.Tx) error {
			p, err := tx.Profile(key)
			if err != nil || p.Answers()["usia"].Value != "26_35" || !p.Answers()["disabilitas"].Skipped ||
				!p.Fresh(t0.AddDate(0, 11, 0)) || p.Fresh(t0.AddDate(1, 0, 1)) {
				t.Errorf("profile = %+v, %v; want the answers, offered for 12 months", p, err)
			}
			return tx.MarkScreenedOut(key, "2026-Q4", t0)
		})
		tx(func(tx *storage.Tx) error {
			p, err := tx.Profile(key)
			if err != nil || p.ScreenedOutPeriod != "2026-Q4" || p.Fresh(t0) {
				t.Errorf("after the screen-out: %+v, %v; want the period and no answers offered", p, err)
			}
			return nil
		})
		r, err := st.StartResponse(ctx, storage.NewResponse{RespondentKey: key, SurveyID: "skm", SurveyVersion: "2",
			ServiceCode: "kk", PeriodKey: "2026-Q4", PlannedMissing: "hemat_waktu integritas", At: t0})
		if err != nil || r.PlannedMissing != "hemat_waktu integritas" {
			t.Fatalf("StartResponse = %+v, %v", r, err)
		}
		d, err := st.MyData(ctx, key)
		if err != nil || d.Profile == nil || d.Responses[0].PlannedMissing != "hemat_waktu integritas" {
			t.Fatalf("MyData = %+v, %v; want the profile and the planned-missing questions", d, err)
		}
		if err := st.DeleteRespondent(ctx, key); err != nil {
			t.Fatal(err)
		}
		tx(func(tx *storage.Tx) error {
			if _, err := tx.Profile(key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("profile after /hapusdata: %v, want ErrNotFound", err)
			}
			return nil
		})
	})
}
