package harness

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
)

// regionSamples counts the samples of a gzipped pprof CPU profile that
// carry the label mapamp=region (the measured regions' samples), reading
// just the protobuf fields it needs: Profile.sample (2) with its value (2,
// the first one is the sample count) and label (3: key 1, str 2), and
// Profile.string_table (6).
func regionSamples(gz []byte) (int64, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return 0, fmt.Errorf("the CPU profile is not gzip data: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return 0, fmt.Errorf("the CPU profile is not gzip data: %v", err)
	}
	type labelled struct{ key, str, count int64 }
	var samples []labelled
	var strs []string
	err = fields(raw, func(num int, v uint64, b []byte) error {
		switch num {
		case 2:
			var count int64
			first := true
			var labels [][2]int64
			err := fields(b, func(num int, v uint64, b []byte) error {
				switch {
				case num == 2 && b != nil: // packed values
					if first && len(b) > 0 {
						c, n := binary.Uvarint(b)
						if n <= 0 {
							return fmt.Errorf("bad packed value")
						}
						count, first = int64(c), false
					}
				case num == 2:
					if first {
						count, first = int64(v), false
					}
				case num == 3:
					var l [2]int64
					if err := fields(b, func(num int, v uint64, _ []byte) error {
						if num == 1 || num == 2 {
							l[num-1] = int64(v)
						}
						return nil
					}); err != nil {
						return err
					}
					labels = append(labels, l)
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, l := range labels {
				samples = append(samples, labelled{l[0], l[1], count})
			}
		case 6:
			strs = append(strs, string(b))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("the CPU profile is not a pprof protobuf: %v", err)
	}
	str := func(i int64) string {
		if i < 0 || int(i) >= len(strs) {
			return ""
		}
		return strs[i]
	}
	var n int64
	for _, s := range samples {
		if str(s.key) == "mapamp" && str(s.str) == "region" {
			n += s.count
		}
	}
	return n, nil
}

// fields walks the top-level fields of protobuf message b, calling f with
// each field's number and its varint value (b nil) or its bytes (length
// delimited). Fixed-width fields are skipped.
func fields(b []byte, f func(num int, v uint64, b []byte) error) error {
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return fmt.Errorf("bad field key")
		}
		b = b[n:]
		num, wire := int(key>>3), key&7
		switch wire {
		case 0:
			v, n := binary.Uvarint(b)
			if n <= 0 {
				return fmt.Errorf("bad varint")
			}
			b = b[n:]
			if err := f(num, v, nil); err != nil {
				return err
			}
		case 1:
			if len(b) < 8 {
				return fmt.Errorf("short fixed64")
			}
			b = b[8:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return fmt.Errorf("bad length")
			}
			if err := f(num, 0, b[n:n+int(l)]); err != nil {
				return err
			}
			b = b[n+int(l):]
		case 5:
			if len(b) < 4 {
				return fmt.Errorf("short fixed32")
			}
			b = b[4:]
		default:
			return fmt.Errorf("wire type %d", wire)
		}
	}
	return nil
}
