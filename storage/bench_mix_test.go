package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kotasolok/egovpulse/scoring"
	"github.com/kotasolok/egovpulse/survey"
)

// benchAnswer is one generated answer.
type benchAnswer struct {
	question, element, value string
	score                    *float64
	skipped                  bool
}

// benchResponse is one generated submitted response: skm or
// layanan-digital of a service, or asn of an OPD.
type benchResponse struct {
	survey, service, opd string
	at                   time.Time
	answers              []benchAnswer
}

// benchVisit generates what one resident visit leaves: an skm response
// (profile and nine unsur, a few missing) and, for half the visits, a
// layanan-digital response (online users get a random half of the impact
// and NKP items: planned missingness).
func benchVisit(rng *rand.Rand, service string, at time.Time) []benchResponse {
	skm := benchResponse{survey: "skm", service: service, at: at}
	ages := []string{"17_25", "26_35", "36_45", "46_55", "56_60", "61_plus"}
	skm.add("usia", "", ages[rng.IntN(len(ages))], false)
	skm.add("jenis_kelamin", "", []string{"L", "P"}[rng.IntN(2)], false)
	skm.add("pendidikan", "", "sma", false)
	skm.add("pekerjaan", "", "swasta", false)
	skm.add("disabilitas", "", []string{"ya", "tidak", "tidak", "tidak"}[rng.IntN(4)], false)
	for _, e := range scoring.UnsurKeys() {
		if rng.IntN(30) != 0 {
			skm.add(e, e, strconv.Itoa(1+rng.IntN(4)), true)
		}
	}
	out := []benchResponse{skm}
	if rng.IntN(2) == 0 {
		return out
	}
	d := benchResponse{survey: "layanan-digital", service: service, at: at.Add(time.Minute)}
	d.add("frekuensi", scoring.ElemFrekuensi, strconv.Itoa(1+rng.IntN(5)), true)
	aware := rng.IntN(5) > 0
	d.add("tahu_online", scoring.ElemTahuOnline, map[bool]string{true: "ya", false: "tidak"}[aware], false)
	online := aware && rng.IntN(3) > 0
	if aware {
		d.add("kanal", scoring.ElemKanal, map[bool]string{true: "online", false: "offline"}[online], false)
	}
	if online {
		for _, i := range rng.Perm(8)[:4] {
			v := strconv.Itoa(1 + rng.IntN(5))
			if rng.IntN(20) == 0 {
				v = "tt"
			}
			d.add(scoring.ImpactItems()[i], scoring.PrefixDampak+scoring.ImpactItems()[i], v, true)
		}
		d.add("menit_hemat", scoring.ElemMenitHemat, strconv.Itoa(rng.IntN(240)), true)
		d.add("rupiah_hemat", scoring.ElemRupiahHemat, strconv.Itoa(rng.IntN(50)*5000), true)
		nkp := []string{"nkp.manfaat.waktu", "nkp.manfaat.kemudahan", "nkp.manfaat.informasi", "nkp.biaya.usaha", "nkp.biaya.kuota", "nkp.biaya.risiko"}
		for _, i := range rng.Perm(6)[:3] {
			d.add(nkp[i], nkp[i], strconv.Itoa(1+rng.IntN(5)), true)
		}
		d.add("nps", scoring.ElemNPS, strconv.Itoa(rng.IntN(11)), true)
	}
	d.add("kunjungan", scoring.ElemKunjungan, strconv.Itoa(rng.IntN(4)), true)
	d.add("csat", scoring.ElemCSAT, strconv.Itoa(1+rng.IntN(5)), true)
	d.add("ces", scoring.ElemCES, strconv.Itoa(1+rng.IntN(7)), true)
	return append(out, d)
}

// benchOfficial generates one officials' response of an OPD.
func benchOfficial(rng *rand.Rand, opd string, at time.Time) benchResponse {
	r := benchResponse{survey: "asn", opd: opd, at: at}
	for _, sys := range []string{"srikandi", "ekinerja", "sipd", "siasn", "aplikasi_opd"} {
		r.add("frek_"+sys, scoring.PrefixASNFrek+sys, strconv.Itoa(1+rng.IntN(5)), true)
	}
	r.add("porsi_digital", scoring.ElemASNPorsi, strconv.Itoa(rng.IntN(101)), true)
	r.add("kendala", scoring.ElemASNKendala, "internet anggaran", false)
	r.add("jam_hemat", scoring.ElemASNJamHemat, strconv.Itoa(rng.IntN(10)), true)
	return r
}

// add appends an answer; numeric values of scored questions get a score.
func (r *benchResponse) add(question, element, value string, scored bool) {
	a := benchAnswer{question: question, element: element, value: value}
	if f, err := strconv.ParseFloat(value, 64); err == nil && scored {
		a.score = &f
	}
	r.answers = append(r.answers, a)
}

// summaryRow is the response_scores row Submit would write for r.
func (r benchResponse) summaryRow(id int64) []any {
	keys := scoring.UnsurKeys()
	layout := int64(crc32.ChecksumIEEE([]byte(strings.Join(keys, ","))))
	var packed, sum float64
	var n int
	var facts scoring.Facts
	for _, a := range r.answers {
		for i, k := range keys {
			if a.element == k && a.score != nil {
				packed += *a.score * float64(pow5(i))
				sum += *a.score
				n++
			}
		}
		if k, ok := scoring.FactKey(a.question, a.element, keys); ok {
			facts = append(facts, scoring.Fact{Element: k, Value: a.value, Skipped: a.skipped})
		}
	}
	audience := "resident"
	if r.survey == "asn" {
		audience = "official"
	}
	return []any{id, r.service, r.at.UTC().Truncate(time.Millisecond), layout, packed, sum, n, r.survey, audience, r.opd, scoring.EncodeFacts(facts)}
}

func pow5(i int) int64 {
	p := int64(1)
	for range i {
		p *= 5
	}
	return p
}

// benchGenerate inserts visits (and one officials' response per 20
// visits) spread over [from, to) until benchAnswers answers exist; it
// returns the next free response id.
func benchGenerate(b *testing.B, db *sql.DB, cat *survey.Catalog, from, to time.Time) int64 {
	b.Helper()
	svcs := cat.Services()
	rng := rand.New(rand.NewPCG(1, 2))
	span := int64(to.Sub(from))
	var batch []benchResponse
	id := int64(1)
	for total := 0; total < benchAnswers; {
		at := from.Add(time.Duration(rng.Int64N(span)))
		rs := benchVisit(rng, svcs[rng.IntN(len(svcs))].Code, at)
		if rng.IntN(20) == 0 {
			rs = append(rs, benchOfficial(rng, cat.OPDs[rng.IntN(len(cat.OPDs))].Code, at))
		}
		for _, r := range rs {
			total += len(r.answers)
		}
		batch = append(batch, rs...)
		if len(batch) >= 1000 {
			id = benchInsert(b, db, id, batch)
			batch = batch[:0]
		}
	}
	return benchInsert(b, db, id, batch)
}

// benchInsert writes submitted responses with ids from id on, their
// answers and their response_scores rows (as Submit would), in multi-row
// INSERTs, and returns the next free id.
func benchInsert(b *testing.B, db *sql.DB, id int64, rs []benchResponse) int64 {
	b.Helper()
	ins := benchInserter{db: db, b: b}
	for _, r := range rs {
		at := r.at.UTC().Truncate(time.Millisecond)
		audience := "resident"
		if r.survey == "asn" {
			audience = "official"
		}
		ins.row("responses", "id, respondent_key, survey_id, survey_version, service_code, opd_code, audience, period_key, status, started_at, updated_at, submitted_at, submitted_slot",
			id, fmt.Sprintf("%032x", id), r.survey, "1", r.service, r.opd, audience, "p", "submitted", at, at, at, "p")
		for _, a := range r.answers {
			ins.row("answers", "response_id, question, element, value, score, skipped, answered_at, service_code, submitted_at",
				id, a.question, a.element, a.value, a.score, a.skipped, at, r.service, at)
		}
		ins.row("response_scores", "response_id, service_code, submitted_at, layout, packed, score_sum, score_count, survey_id, audience, opd_code, facts",
			r.summaryRow(id)...)
		id++
	}
	ins.flushAll()
	return id
}

// benchInserter batches rows per table into multi-row INSERTs.
type benchInserter struct {
	db      *sql.DB
	b       *testing.B
	pending map[string]*benchBatch
}

type benchBatch struct {
	cols string
	rows int
	args []any
}

func (in *benchInserter) row(table, cols string, vals ...any) {
	if in.pending == nil {
		in.pending = map[string]*benchBatch{}
	}
	bt := in.pending[table]
	if bt == nil {
		bt = &benchBatch{cols: cols}
		in.pending[table] = bt
	}
	bt.rows++
	bt.args = append(bt.args, vals...)
	if bt.rows >= 1000 {
		in.flush(table)
	}
}

func (in *benchInserter) flush(table string) {
	bt := in.pending[table]
	if bt == nil || bt.rows == 0 {
		return
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(bt.args)/bt.rows), ",") + ")"
	q := "INSERT INTO " + table + " (" + bt.cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", bt.rows), ",")
	if _, err := in.db.ExecContext(context.Background(), q, bt.args...); err != nil {
		in.b.Fatalf("insert %s: %v", table, err)
	}
	bt.rows, bt.args = 0, bt.args[:0]
}

func (in *benchInserter) flushAll() {
	for _, t := range []string{"responses", "answers", "response_scores"} {
		in.flush(t)
	}
}
