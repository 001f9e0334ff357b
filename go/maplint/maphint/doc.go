// Package maphint defines an Analyzer that reports maps made without a
// size hint and then filled by a loop whose trip count is known where the
// map is made.
//
// # Analyzer maphint
//
// maphint: report maps that will grow while a counted loop fills them
//
// A map made without a size hint (make(map[K]V), make(map[K]V, 0) or
// map[K]V{}) starts with no room and grows while it is filled: the
// classic map (Go 1.23 and older) doubles its bucket array and moves
// every entry, the Swiss map (Go 1.24 and newer) rehashes each table as it
// doubles. When the loop that fills it runs a number of times known where
// the map is made, the hint removes every one of those growth copies:
//
//	m := make(map[string]int)      // maphint: hint len(names)
//	for i, name := range names {
//		m[name] = i
//	}
//
// The suggested fix adds the hint (len(x) for a range over a slice,
// array, map or string, n for a range over an integer n, the bound of a
// counted loop for i := a; i < b; i++).
//
// A finding needs all of this, so that the hint is right for the code as
// written:
//
//   - The map is a local variable made by make without a hint or with the
//     hint 0, or by an empty composite literal, in a declaration or an
//     assignment.
//   - The next statement of the same block that mentions the map is the
//     loop: a map used, passed or stored before the loop (it escapes) may
//     already hold entries, so it is not reported.
//   - The loop ranges over a slice, array, pointer to array, map, string or
//     integer, or counts an integer from a constant to a bound with ++ or
//     += 1; the operand or bound is an expression without calls (len and
//     cap aside) whose variables are declared before the map and not
//     assigned between the map and the loop (the loop's own body for a
//     counted loop's bound).
//   - Inside the loop the map is mentioned exactly once, as m[k] = v, in a
//     statement the loop body runs on every iteration (not inside an if,
//     switch, select, nested loop or function literal), and no continue of
//     this loop comes before it, no break of this loop and no goto appears
//     in it. A return or panic may leave the loop early: the map is then
//     abandoned half-filled and the hint cost nothing a completed loop
//     would not have paid.
//   - The key depends on the iteration (a key that does not gives one
//     entry, however long the loop).
//   - A constant trip count is above 8: up to 8 entries fit in the first
//     bucket of a classic map and in the small-map group of a Swiss map,
//     so such a map never grows.
//
// Not reported, by policy: inserts under a condition or after a continue
// (the number of entries is unknown), loops that can break early, inserts
// through helper functions or closures (the fill is out of sight, and the
// map escapes to them), maps read inside the loop (m[k]++, append(m[k],
// v), membership tests: the code expects repeated keys, so len(x) may be
// far too many), loops nested in the filling loop, generated files.
//
// Repeated keys: a key taken from the range key of a slice, array, string,
// map or integer, or from a counted loop's counter, is new on every
// iteration and the hint is exact. A key derived from the elements may
// repeat; the hint is then an upper bound, which the message says. For a
// range over a string the hint len(s) counts bytes, an upper bound of the
// runes the loop visits.
//
// With -detail, every message ends with "maplint-detail: " and a JSON
// object (map, type, key_bytes, value_bytes, hint, const_n, exact, go,
// loop_line) for tools that price the finding, such as mapamp lint.
package maphint
