package bot_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"runtime/pprof"
	"time"
)

// The bot's own CPU apart from the emulator and the load generator that
// share its process: the goroutines that make up the bot (its webhook
// server, sender, store and session pools) are started under the pprof
// label part=bot, inherited by every goroutine they start, and a CPU
// profile taken over the timed rounds is summed by label. Runtime work
// that no goroutine is charged for (background GC, the idle scheduler) is
// in nobody's part, so bot-cpu-ms is a lower bound of what the bot costs.

// asBot runs fn under the label part=bot.
func asBot(fn func()) {
	pprof.Do(context.Background(), pprof.Labels("part", "bot"), func(context.Context) { fn() })
}

// cpuByPart profiles the CPU while it runs; stop returns the CPU time per
// part label ("" for unlabelled samples), or nil when another profile
// (-test.cpuprofile) is running.
type cpuByPart struct{ buf bytes.Buffer }

func startCPUByPart() *cpuByPart {
	p := &cpuByPart{}
	if pprof.StartCPUProfile(&p.buf) != nil {
		return nil
	}
	return p
}

func (p *cpuByPart) stop() map[string]time.Duration {
	if p == nil {
		return nil
	}
	pprof.StopCPUProfile()
	out, err := partsOfProfile(&p.buf)
	if err != nil {
		return nil
	}
	return out
}

// partsOfProfile sums a gzipped CPU profile's cpu nanoseconds (the second
// sample value) by the "part" label. It reads the few fields of
// profile.proto it needs: Profile.sample (2), Profile.string_table (6),
// Sample.value (2), Sample.label (3), Label.key (1) and Label.str (2).
func partsOfProfile(r io.Reader) (map[string]time.Duration, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var samples []profSample
	var strs []string
	err = protoFields(data, func(field int, _ uint64, b []byte) error {
		switch field {
		case 6:
			strs = append(strs, string(b))
		case 2:
			s, err := parseSample(b)
			samples = append(samples, s)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]time.Duration{}
	for _, s := range samples {
		part := ""
		if s.key > 0 && s.key < int64(len(strs)) && strs[s.key] == "part" && s.str < int64(len(strs)) {
			part = strs[s.str]
		}
		out[part] += time.Duration(s.ns)
	}
	return out, nil
}

// profSample is a CPU sample's nanoseconds and its first label (string
// table indices).
type profSample struct{ ns, key, str int64 }

func parseSample(b []byte) (profSample, error) {
	var s profSample
	err := protoFields(b, func(f int, v uint64, b []byte) error {
		switch {
		case f == 2:
			s.ns = sampleValue(v, b, 1)
		case f == 3 && s.key == 0:
			return protoFields(b, func(f int, v uint64, _ []byte) error {
				switch f {
				case 1:
					s.key = int64(v)
				case 2:
					s.str = int64(v)
				}
				return nil
			})
		}
		return nil
	})
	return s, err
}

// sampleValue is the i-th value of a Sample.value field, packed (b) or not (v).
func sampleValue(v uint64, b []byte, i int) int64 {
	if b == nil {
		return int64(v) // unpacked: one value per field; pprof writes packed
	}
	for n := 0; len(b) > 0; n++ {
		x, k := binary.Uvarint(b)
		if k <= 0 {
			return 0
		}
		if n == i {
			return int64(x)
		}
		b = b[k:]
	}
	return 0
}

// protoFields calls fn for each field of a protobuf message: varints with
// v, length-delimited fields with b.
func protoFields(data []byte, fn func(field int, v uint64, b []byte) error) error {
	for len(data) > 0 {
		tag, n := binary.Uvarint(data)
		if n <= 0 {
			return errors.New("profile: bad tag")
		}
		data = data[n:]
		field, wire := int(tag>>3), tag&7
		switch wire {
		case 0:
			v, n := binary.Uvarint(data)
			if n <= 0 {
				return errors.New("profile: bad varint")
			}
			data = data[n:]
			if err := fn(field, v, nil); err != nil {
				return err
			}
		case 2:
			l, n := binary.Uvarint(data)
			if n <= 0 || uint64(len(data)-n) < l {
				return errors.New("profile: bad length")
			}
			if err := fn(field, 0, data[n:n+int(l)]); err != nil {
				return err
			}
			data = data[n+int(l):]
		case 1:
			data = data[min(8, len(data)):]
		case 5:
			data = data[min(4, len(data)):]
		default:
			return errors.New("profile: unknown wire type")
		}
	}
	return nil
}
