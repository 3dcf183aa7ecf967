package scoring

import "sort"

// Resident frequency item (uses in the last 12 months): 1 first time,
// 2 = 2–3, 3 = 4–6, 4 = 7–12, 5 = more than 12 times.
const (
	MinFrequency = 1
	MaxFrequency = 5
)

// ASN system frequency scale, 1 never … 5 daily. The mapping used here:
// 1 Tidak pernah (never), 2 Jarang (less than monthly), 3 Bulanan (about
// monthly), 4 Mingguan (weekly), 5 Harian (daily). "At least weekly" is
// therefore frequency ≥ 4.
const (
	ASNNever   = 1
	ASNRarely  = 2
	ASNMonthly = 3
	ASNWeekly  = 4
	ASNDaily   = 5
)

// IndeksPemanfaatan is the mean over respondents of (f − 1)/4 × 100 for the
// resident frequency item f (1–5). Answers outside 1–5 are not counted.
func IndeksPemanfaatan(freqs []int) Index {
	scores := make([]float64, 0, len(freqs))
	for _, f := range freqs {
		if f >= MinFrequency && f <= MaxFrequency {
			scores = append(scores, scaleTo100(float64(f), MinFrequency, MaxFrequency))
		}
	}
	return indexOf(scores)
}

// DigitalTakeUp is digital transactions / all transactions × 100, from the
// counts officials report for one service and period.
func DigitalTakeUp(digital, all int) Percent { return PercentOf(digital, all) }

// ChannelAnswer is one resident's answers on online channels.
type ChannelAnswer struct {
	Aware      bool // knew an online version of the service exists
	UsedOnline bool // used an online channel for it
}

// ChannelResult holds online choice and the awareness gap.
type ChannelResult struct {
	OnlineChoice Percent // used online among the aware
	AwarenessGap Percent // not aware among all respondents
}

// OnlineChoice computes the share using an online channel among those aware
// that one exists, and the share not aware of it among all respondents. A
// respondent who used an online channel is counted as aware.
func OnlineChoice(answers []ChannelAnswer) ChannelResult {
	aware, online := 0, 0
	for _, a := range answers {
		if a.Aware || a.UsedOnline {
			aware++
			if a.UsedOnline {
				online++
			}
		}
	}
	return ChannelResult{
		OnlineChoice: PercentOf(online, aware),
		AwarenessGap: PercentOf(len(answers)-aware, len(answers)),
	}
}

// SystemUsage is one internal system's usage among ASN.
type SystemUsage struct {
	System string
	Weekly Percent // ASN using it at least weekly, among those who rated it
}

// InternalUsage computes, per internal system, the share of ASN using it at
// least weekly (frequency ≥ [ASNWeekly]). Each answer maps system →
// frequency 1–5; the denominator of a system is the ASN who rated it.
// Results are ordered by share, highest first, then by system name.
func InternalUsage(answers []map[string]int) []SystemUsage {
	weekly := map[string]int{}
	rated := map[string]int{}
	for _, a := range answers {
		for sys, f := range a {
			if f < ASNNever || f > ASNDaily {
				continue
			}
			rated[sys]++
			if f >= ASNWeekly {
				weekly[sys]++
			}
		}
	}
	out := make([]SystemUsage, 0, len(rated))
	for sys, n := range rated {
		out = append(out, SystemUsage{System: sys, Weekly: PercentOf(weekly[sys], n)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weekly.Value != out[j].Weekly.Value {
			return out[i].Weekly.Value > out[j].Weekly.Value
		}
		return out[i].System < out[j].System
	})
	return out
}

// DigitalWorkShare is the mean share (0–100 %) of routine work that ASN do
// digitally. Values outside 0–100 are not counted.
func DigitalWorkShare(shares []float64) Mean {
	vs := make([]float64, 0, len(shares))
	for _, s := range shares {
		if s >= 0 && s <= 100 {
			vs = append(vs, s)
		}
	}
	return meanOf(vs)
}

// Obstacle keys (kendala) of the officials' survey.
const (
	KendalaInternet     = "internet"     // internet / network
	KendalaPerangkat    = "perangkat"    // devices
	KendalaKeterampilan = "keterampilan" // staff skills
	KendalaAnggaran     = "anggaran"     // budget
	KendalaIntegrasi    = "integrasi"    // integration between applications
	KendalaRegulasi     = "regulasi"     // rules / SOP
	KendalaAdopsi       = "adopsi"       // residents' adoption
	KendalaLainnya      = "lainnya"      // other (free text)
)

// ObstacleCount is how often one obstacle was named.
type ObstacleCount struct {
	Key   string
	Share Percent // respondents naming it, among all respondents
}

// RankObstacles counts each obstacle once per respondent (a multiple choice)
// and ranks them by count, then key. The denominator is every respondent who
// answered the question, including those who named none.
func RankObstacles(answers [][]string) []ObstacleCount {
	counts := map[string]int{}
	for _, a := range answers {
		seen := map[string]bool{}
		for _, k := range a {
			if k != "" && !seen[k] {
				seen[k] = true
				counts[k]++
			}
		}
	}
	out := make([]ObstacleCount, 0, len(counts))
	for k, c := range counts {
		out = append(out, ObstacleCount{Key: k, Share: PercentOf(c, len(answers))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Share.Part != out[j].Share.Part {
			return out[i].Share.Part > out[j].Share.Part
		}
		return out[i].Key < out[j].Key
	})
	return out
}
