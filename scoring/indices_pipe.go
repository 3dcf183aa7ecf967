package scoring

import (
	"context"
	"time"
)

// pipeBatchRows is how many summaries travel together from the reader to
// the roll-up.
const pipeBatchRows = 512

// summaryBatch is a batch of copied summaries; their Elements and Facts
// live in the batch's slabs (a row keeps the slab it was copied into when
// a later append moves the slab), reused once the batch is summed.
type summaryBatch struct {
	rows  []ResponseSummary
	els   []ElementAgg
	facts []Fact
}

// add copies a summary into the batch.
func (b *summaryBatch) add(s *ResponseSummary) {
	row := *s
	n, f := len(b.els), len(b.facts)
	b.els = append(b.els, s.Elements...)
	b.facts = append(b.facts, s.Facts...)
	row.Elements = b.els[n:len(b.els):len(b.els)]
	row.Facts = b.facts[f:len(b.facts):len(b.facts)]
	b.rows = append(b.rows, row)
}

func (b *summaryBatch) reset() {
	b.rows, b.els, b.facts = b.rows[:0], b.els[:0], b.facts[:0]
}

// eachPiped reads the summaries of [from, to) like
// IndexSource.EachResponseSummary, but calls fn in another goroutine, in
// batches: reading the rows (the database driver's work) and summing them
// overlap. fn is called from one goroutine at a time, in reading order.
func (r *Recomputer) eachPiped(ctx context.Context, from, to time.Time, elements, services, opds []string,
	fn func(*ResponseSummary)) error {
	full := make(chan *summaryBatch, 2)
	free := make(chan *summaryBatch, 3)
	for range cap(free) {
		free <- &summaryBatch{rows: make([]ResponseSummary, 0, pipeBatchRows)}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range full {
			for i := range b.rows {
				fn(&b.rows[i])
			}
			b.reset()
			free <- b
		}
	}()
	cur := <-free
	err := r.Indices.EachResponseSummary(ctx, from, to, elements, services, opds, func(s *ResponseSummary) error {
		cur.add(s)
		if len(cur.rows) == pipeBatchRows {
			full <- cur
			cur = <-free
		}
		return nil
	})
	if err == nil && len(cur.rows) > 0 {
		full <- cur
	}
	close(full)
	<-done
	return err
}
