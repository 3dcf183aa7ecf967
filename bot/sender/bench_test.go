package sender

import (
	"encoding/json"
	"testing"
)

// question is a survey question as the bot sends it: text and five buttons.
func question() Message {
	rows := make([][]Button, 0, 5)
	for _, label := range []string{"Sangat tidak sesuai", "Tidak sesuai", "Sesuai", "Sangat sesuai", "« Kembali"} {
		rows = append(rows, Row(DataButton(label, "k3:"+label[:3])))
	}
	return Ask(123456789, "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?", rows)
}

// BenchmarkMessageToRequest is what the data description adds per message:
// Validate and the conversion to the client's request.
func BenchmarkMessageToRequest(b *testing.B) {
	m := question()
	b.ReportAllocs()
	for b.Loop() {
		if err := m.Validate(); err != nil {
			b.Fatal(err)
		}
		_ = m.chattable()
	}
}

// BenchmarkMessageJSON is the cost of storing and loading a message (an
// outbox row).
func BenchmarkMessageJSON(b *testing.B) {
	m := question()
	b.ReportAllocs()
	for b.Loop() {
		raw, err := json.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		var back Message
		if err := json.Unmarshal(raw, &back); err != nil {
			b.Fatal(err)
		}
	}
}
