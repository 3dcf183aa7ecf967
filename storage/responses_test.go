package storage_test

import (
	"context"
	"errors"
	"maps"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/storage/storagetest"
	"github.com/kotasolok/egovpulse/survey"
)

func score(f float64) *float64 { return &f }

func mustStart(tb testing.TB, st *storage.Store, key, service, period string) storage.Response {
	tb.Helper()
	r, err := st.StartResponse(context.Background(), storage.NewResponse{
		RespondentKey: key, SurveyID: "skm", SurveyVersion: "3", ServiceCode: service,
		OPDCode: "disdukcapil", PeriodKey: period, At: t0,
	})
	if err != nil {
		tb.Fatalf("StartResponse: %v", err)
	}
	return r
}

func save(tb testing.TB, st *storage.Store, id int64, at time.Time, changes ...survey.Change) {
	tb.Helper()
	err := st.Tx(context.Background(), func(tx *storage.Tx) error { return tx.SaveChanges(id, changes, at) })
	if err != nil {
		tb.Fatalf("SaveChanges: %v", err)
	}
}

func TestStartResponseReturnsOpenOne(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		key := mustRespondent(t, st, 1)
		a := mustStart(t, st, key, "ktp", "2026-Q4")
		b := mustStart(t, st, key, "ktp", "2026-Q4")
		c := mustStart(t, st, key, "kk", "2026-Q4")
		if a.ID != b.ID || a.ID == c.ID {
			t.Fatalf("ids %d %d %d; want the first two equal, the third new", a.ID, b.ID, c.ID)
		}
		if !a.StartedAt.Equal(t0.Truncate(time.Millisecond)) || a.Status != storage.StatusInProgress {
			t.Fatalf("response = %+v", a)
		}
	})
}

func TestSaveChangesIdempotent(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 2)
		r := mustStart(t, st, key, "ktp", "2026-Q4")
		changes := []survey.Change{
			{Question: "u1", Element: "persyaratan", Answer: survey.Answer{Value: "4", Score: score(4)}},
			{Question: "u2", Element: "prosedur", Answer: survey.Answer{Value: "2", Score: score(2)}},
			{Question: "saran", Answer: survey.Answer{Skipped: true}},
			{Question: "gone", Answer: survey.Answer{Value: "x"}},
			{Question: "gone", Deleted: true},
		}
		want := map[string]survey.Answer{
			"u1":    {Value: "4", Score: score(4)},
			"u2":    {Value: "2", Score: score(2)},
			"saran": {Skipped: true},
		}
		for i := range 2 {
			save(t, st, r.ID, t0, changes...)
			got, err := st.Answers(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			assertAnswers(t, got, want)
			if n, _ := st.CountForTest(ctx, "answers", "response_id = ?", r.ID); n != 3 {
				t.Fatalf("pass %d: %d answer rows; want 3", i+1, n)
			}
		}
		// Changing an answer and deleting another.
		save(t, st, r.ID, t0.Add(time.Minute),
			survey.Change{Question: "u2", Element: "prosedur", Answer: survey.Answer{Value: "3", Score: score(3)}},
			survey.Change{Question: "saran", Deleted: true})
		want["u2"] = survey.Answer{Value: "3", Score: score(3)}
		delete(want, "saran")
		got, err := st.Answers(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		assertAnswers(t, got, want)
		if _, err := st.Answers(ctx, r.ID+1000); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("Answers of an unknown response = %v; want ErrNotFound", err)
		}
	})
}

func assertAnswers(tb testing.TB, got, want map[string]survey.Answer) {
	tb.Helper()
	eq := func(a, b survey.Answer) bool {
		if a.Value != b.Value || a.Skipped != b.Skipped || (a.Score == nil) != (b.Score == nil) {
			return false
		}
		return a.Score == nil || *a.Score == *b.Score
	}
	if !maps.EqualFunc(got, want, eq) {
		tb.Fatalf("answers = %s; want %s", fmtAnswers(got), fmtAnswers(want))
	}
}

func fmtAnswers(m map[string]survey.Answer) string {
	var b strings.Builder
	for k, a := range m {
		s := "nil"
		if a.Score != nil {
			s = strconv.FormatFloat(*a.Score, 'g', -1, 64)
		}
		b.WriteString(k + "=" + a.Value + "/" + s + "/" + strconv.FormatBool(a.Skipped) + " ")
	}
	return b.String()
}

func TestSubmitOncePerServiceAndPeriod(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 3)
		first := mustStart(t, st, key, "ktp", "2026-Q4")
		save(t, st, first.ID, t0, survey.Change{Question: "u1", Element: "waktu", Answer: survey.Answer{Value: "3", Score: score(3)}})
		if err := st.Submit(ctx, first.ID, t0.Add(time.Minute)); err != nil {
			t.Fatalf("first Submit: %v", err)
		}
		if err := st.Submit(ctx, first.ID, t0.Add(2*time.Minute)); !errors.Is(err, storage.ErrAlreadySubmitted) {
			t.Fatalf("double tap on submit = %v; want ErrAlreadySubmitted", err)
		}
		if ok, err := st.HasSubmitted(ctx, key, "skm", "ktp", "2026-Q4"); err != nil || !ok {
			t.Fatalf("HasSubmitted = %v, %v; want true", ok, err)
		}
		err := st.Tx(ctx, func(tx *storage.Tx) error {
			return tx.SaveChanges(first.ID, nil, t0)
		})
		if !errors.Is(err, storage.ErrResponseClosed) {
			t.Fatalf("SaveChanges on a submitted response = %v; want ErrResponseClosed", err)
		}

		second := mustStart(t, st, key, "ktp", "2026-Q4")
		if second.ID == first.ID {
			t.Fatal("StartResponse returned the submitted response")
		}
		// In one transaction: the refused submit leaves it usable.
		err = st.Tx(ctx, func(tx *storage.Tx) error {
			if err := tx.Submit(second.ID, t0.Add(time.Hour)); !errors.Is(err, storage.ErrAlreadySubmitted) {
				t.Errorf("second Submit in the same period = %v; want ErrAlreadySubmitted", err)
			}
			return tx.Abandon(second.ID)
		})
		if err != nil {
			t.Fatalf("transaction after a refused submit: %v", err)
		}
		if open, err := st.InProgress(ctx, key); err != nil || len(open) != 0 {
			t.Fatalf("InProgress after abandon = %v, %v; want none", open, err)
		}
		for _, other := range []struct{ service, period string }{{"ktp", "2027-Q1"}, {"kk", "2026-Q4"}} {
			r := mustStart(t, st, key, other.service, other.period)
			if err := st.Submit(ctx, r.ID, t0.Add(time.Hour)); err != nil {
				t.Fatalf("Submit %s %s: %v", other.service, other.period, err)
			}
		}
		n, err := st.CountForTest(ctx, "answers", "response_id = ? AND submitted_at = ?", first.ID, t0.Add(time.Minute).Truncate(time.Millisecond))
		if err != nil || n != 1 {
			t.Fatalf("answers stamped with submitted_at: %d, %v; want 1", n, err)
		}
	})
}

func TestEmojiTextByteExact(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 4)
		r := mustStart(t, st, key, "ktp", "2026-Q4")
		unit := []rune("Pelayanan sangat baik 👍🏽 terima kasih 🇮🇩 ñ 𝔘 ")
		var runes []rune
		for len(runes) < 4096 {
			runes = append(runes, unit[len(runes)%len(unit)])
		}
		text := string(runes)
		save(t, st, r.ID, t0, survey.Change{Question: "saran", Answer: survey.Answer{Value: text}})
		got, err := st.Answers(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got["saran"].Value != text {
			t.Fatalf("text changed on the way: got %d bytes, want %d", len(got["saran"].Value), len(text))
		}
		bad := []struct{ name, value string }{
			{"invalid UTF-8", "ok\xff"},
			{"too long", strings.Repeat("🙂", storage.MaxValueBytes/4+1)},
		}
		for _, b := range bad {
			err := st.Tx(ctx, func(tx *storage.Tx) error {
				return tx.SaveChanges(r.ID, []survey.Change{{Question: "saran", Answer: survey.Answer{Value: b.value}}}, t0)
			})
			if !errors.Is(err, storage.ErrInvalidValue) {
				t.Errorf("%s: SaveChanges = %v; want ErrInvalidValue", b.name, err)
			}
		}
	})
}

func TestRebuildFromDatabase(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 5)
		r := mustStart(t, st, key, "ktp", "2026-Q4")
		saved := map[string]survey.Answer{
			"usia":  {Value: "25_34"},
			"u1":    {Value: "1", Score: score(1)},
			"jenis": {Value: "a c"},
			"saran": {Skipped: true},
			"lama":  {Value: "2.5", Score: score(2.5)},
		}
		var changes []survey.Change
		for q, a := range saved {
			changes = append(changes, survey.Change{Question: q, Answer: a})
		}
		save(t, st, r.ID, t0, changes...)
		open, err := st.InProgress(ctx, key)
		if err != nil || len(open) != 1 {
			t.Fatalf("InProgress = %v, %v; want one response", open, err)
		}
		if o := open[0]; o.ID != r.ID || o.SurveyID != "skm" || o.SurveyVersion != "3" || o.ServiceCode != "ktp" ||
			o.PeriodKey != "2026-Q4" || o.OPDCode != "disdukcapil" {
			t.Fatalf("in-progress response = %+v; want what was started (%+v)", o, r)
		}
		got, err := st.Answers(ctx, open[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		assertAnswers(t, got, saved)
	})
}

func TestDeleteRespondent(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		gone, kept := mustRespondent(t, st, 6), mustRespondent(t, st, 60)
		var goneResp int64
		for _, key := range []string{gone, kept} {
			if err := st.Tx(ctx, func(tx *storage.Tx) error { return tx.RecordConsent(key, "v1", t0) }); err != nil {
				t.Fatal(err)
			}
			r := mustStart(t, st, key, "ktp", "2026-Q4")
			save(t, st, r.ID, t0, survey.Change{Question: "u1", Answer: survey.Answer{Value: "4", Score: score(4)}})
			if key == gone {
				goneResp = r.ID
			}
		}
		if err := st.DeleteRespondent(ctx, gone); err != nil {
			t.Fatalf("DeleteRespondent: %v", err)
		}
		if _, err := st.MyData(ctx, gone); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("MyData after delete = %v; want ErrNotFound", err)
		}
		if _, err := st.RespondentKey(ctx, 6); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("identity survives delete: %v", err)
		}
		for table, cond := range map[string]string{
			"answers": "response_id = ?", "responses": "respondent_key = ?",
			"consents": "respondent_key = ?", "identities": "respondent_key = ?", "respondents": "respondent_key = ?",
		} {
			arg := any(gone)
			if table == "answers" {
				arg = goneResp
			}
			if n, err := st.CountForTest(ctx, table, cond, arg); err != nil || n != 0 {
				t.Errorf("%s rows left: %d, %v", table, n, err)
			}
		}
		data, err := st.MyData(ctx, kept)
		if err != nil || len(data.Responses) != 1 || len(data.Responses[0].Answers) != 1 || len(data.Consents) != 1 {
			t.Fatalf("the other respondent lost data: %+v, %v", data, err)
		}
		if err := st.DeleteRespondent(ctx, gone); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("second DeleteRespondent = %v; want ErrNotFound", err)
		}
	})
}

// TestConcurrentReadThenWrite runs transactions that read before they write
// (the pattern that fails with SQLITE_BUSY under deferred transactions):
// concurrent starts of one response and concurrent answers to it.
func TestConcurrentReadThenWrite(t *testing.T) {
	storagetest.ForEachBackend(t, func(t *testing.T, st *storage.Store) {
		ctx := context.Background()
		key := mustRespondent(t, st, 8)
		ids := make([]int64, 8)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				err := st.Tx(ctx, func(tx *storage.Tx) error {
					r, err := tx.StartResponse(storage.NewResponse{RespondentKey: key, SurveyID: "skm",
						SurveyVersion: "3", ServiceCode: "ktp", PeriodKey: "2026-Q4", At: t0})
					if err != nil {
						return err
					}
					ids[i] = r.ID
					q := "q" + strconv.Itoa(i)
					return tx.SaveChanges(r.ID, []survey.Change{{Question: q, Answer: survey.Answer{Value: q}}}, t0)
				})
				if err != nil {
					t.Errorf("worker %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("response ids differ: %v", ids)
			}
		}
		got, err := st.Answers(ctx, ids[0])
		if err != nil || len(got) != len(ids) {
			t.Fatalf("answers = %d, %v; want %d", len(got), err, len(ids))
		}
	})
}
