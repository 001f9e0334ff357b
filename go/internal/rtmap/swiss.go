//go:build go1.24

// The Swiss-table map of Go 1.24 and later (src/internal/runtime/maps),
// mirrored as Go 1.26 and Go 1.27 lay it out: a header (maps.Map) whose
// dirPtr points either to one group of 8 slots (a small map, dirLen 0) or to
// a directory of 1<<globalDepth table pointers; a table holds a power-of-two
// number of slots in groups of 8, each group an 8-byte control word then its
// slots. Only the fields that Go 1.26 and 1.27 share are mirrored (the type
// descriptor differs after GroupSize: Go 1.27's mapsplitgroup layout adds
// stride fields), and control bytes are read, never slot contents.

package rtmap

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Design names the map design of this build.
const Design = "swiss"

// swissMap mirrors internal/runtime/maps.Map.
type swissMap struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool
	clearSeq          uint64
}

// table mirrors internal/runtime/maps.table.
type table struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groups     groupsReference
}

// groupsReference mirrors internal/runtime/maps.groupsReference.
type groupsReference struct {
	data       unsafe.Pointer
	lengthMask uint64
}

// maptypePrefix mirrors the fields of abi.MapType up to GroupSize, the
// prefix Go 1.26 and Go 1.27 share.
type maptypePrefix struct {
	typ       rtype
	key       *rtype
	elem      *rtype
	group     *rtype
	hasher    func(unsafe.Pointer, uintptr) uintptr
	groupSize uintptr
}

// Constants of internal/runtime/maps.
const (
	// GroupSlots is the number of slots in a group.
	GroupSlots = 8
	// MaxTableCapacity is the largest table before it splits.
	MaxTableCapacity = 1024
	// CtrlEmpty is the control byte of an empty slot.
	CtrlEmpty = 0x80
	// CtrlDeleted is the control byte of a tombstone.
	CtrlDeleted = 0xFE
	// maxAvgGroupLoad is the average number of full slots per group a table allows.
	maxAvgGroupLoad = 7
)

// Swiss gives read access to one Swiss map's runtime structures.
type Swiss struct {
	m *swissMap
	t *maptypePrefix
}

// Open reads m's runtime header and type descriptor; an error if m is not
// a non-nil map or its type descriptor does not match reflect's view.
func Open(m any) (*Swiss, error) {
	typ, data, err := mapWords(m)
	if err != nil {
		return nil, err
	}
	s := &Swiss{m: (*swissMap)(data), t: (*maptypePrefix)(typ)}
	if err := checkTypes(m, s.t.key, s.t.elem); err != nil {
		return nil, err
	}
	if s.t.group == nil || s.t.group.size != s.t.groupSize || s.t.groupSize < 8+GroupSlots {
		return nil, fmt.Errorf("rtmap: layout mismatch on %s: group size %d in the map type", runtime.Version(), s.t.groupSize)
	}
	return s, nil
}

// Table is one table of the directory, read at one moment.
type Table struct {
	// Index is the first directory index pointing to the table.
	Index int
	// Used is the number of live entries.
	Used int
	// Capacity is the number of slots.
	Capacity int
	// GrowthLeft is the number of inserts into empty slots left before
	// the table must grow (or prune tombstones).
	GrowthLeft int
	// LocalDepth is the number of hash bits the table's entries share.
	LocalDepth int
	// Tombstones is the number of deleted slots (control byte 0xFE), counted.
	Tombstones int
	// ptr is the table's address (to tell directory entries apart).
	ptr unsafe.Pointer
}

// Header is a copy of the map header and its tables, taken at one moment.
type Header struct {
	// Used is the number of entries (len).
	Used int
	// Seed is the hash seed.
	Seed uintptr
	// DirLen is the directory length; 0 for a small map (one group, no table).
	DirLen int
	// GlobalDepth is log2 of the directory length.
	GlobalDepth int
	// GlobalShift is 64 - GlobalDepth: the directory index is hash >> GlobalShift.
	GlobalShift int
	// SmallFull is the number of full slots of a small map's group.
	SmallFull int
	// SmallGroup reports whether a small map has its one group allocated.
	SmallGroup bool
	// Tables are the distinct tables in directory order.
	Tables []Table
}

// Small reports whether the map is a small map (one group, no directory).
func (h *Header) Small() bool { return h.DirLen == 0 }

// GroupSize is the bytes of a group (control word and 8 slots).
func (s *Swiss) GroupSize() uintptr { return s.t.groupSize }

// Header copies the header and reads every table now.
func (s *Swiss) Header() Header {
	m := s.m
	h := Header{
		Used:        int(m.used),
		Seed:        m.seed,
		DirLen:      m.dirLen,
		GlobalDepth: int(m.globalDepth),
		GlobalShift: int(m.globalShift),
	}
	if m.dirLen == 0 {
		h.SmallGroup = m.dirPtr != nil
		if m.dirPtr != nil {
			h.SmallFull = countCtrl(*(*uint64)(m.dirPtr), func(c uint8) bool { return c&0x80 == 0 })
		}
		return h
	}
	var last unsafe.Pointer
	for i := 0; i < m.dirLen; i++ {
		t := s.directoryAt(i)
		if unsafe.Pointer(t) == last {
			continue
		}
		last = unsafe.Pointer(t)
		h.Tables = append(h.Tables, s.readTable(t, i))
	}
	return h
}

func (s *Swiss) directoryAt(i int) *table {
	return *(**table)(unsafe.Add(s.m.dirPtr, uintptr(i)*8))
}

func (s *Swiss) readTable(t *table, index int) Table {
	out := Table{
		Index:      index,
		Used:       int(t.used),
		Capacity:   int(t.capacity),
		GrowthLeft: int(t.growthLeft),
		LocalDepth: int(t.localDepth),
		ptr:        unsafe.Pointer(t),
	}
	groups := uintptr(t.groups.lengthMask) + 1
	for g := uintptr(0); g < groups; g++ {
		ctrl := *(*uint64)(unsafe.Add(t.groups.data, g*s.t.groupSize))
		out.Tombstones += countCtrl(ctrl, func(c uint8) bool { return c == CtrlDeleted })
	}
	return out
}

// Directory appends the directory's table pointers, in order, to
// dst[:0] (none for a small map): a table's identity, for telling which
// tables an operation replaced.
func (s *Swiss) Directory(dst []unsafe.Pointer) []unsafe.Pointer {
	dst = dst[:0]
	for i := 0; i < s.m.dirLen; i++ {
		dst = append(dst, unsafe.Pointer(s.directoryAt(i)))
	}
	return dst
}

// SameDirectory reports whether the directory holds exactly the table
// pointers of dir (as Directory returned them).
func (s *Swiss) SameDirectory(dir []unsafe.Pointer) bool {
	if s.m.dirLen != len(dir) {
		return false
	}
	for i, t := range dir {
		if unsafe.Pointer(s.directoryAt(i)) != t {
			return false
		}
	}
	return true
}

// Ctrls returns the control words of the groups of the i-th distinct
// table in directory order (the Header's Tables[i]).
func (s *Swiss) Ctrls(i int) []uint64 {
	var last *table
	for d := 0; d < s.m.dirLen; d++ {
		t := s.directoryAt(d)
		if t == last {
			continue
		}
		last = t
		if i > 0 {
			i--
			continue
		}
		out := make([]uint64, uintptr(t.groups.lengthMask)+1)
		for g := range out {
			out[g] = *(*uint64)(unsafe.Add(t.groups.data, uintptr(g)*s.t.groupSize))
		}
		return out
	}
	return nil
}

// countCtrl counts the control bytes of a group's control word that satisfy f.
func countCtrl(ctrl uint64, f func(uint8) bool) int {
	n := 0
	for i := 0; i < GroupSlots; i++ {
		if f(uint8(ctrl >> (8 * i))) {
			n++
		}
	}
	return n
}

// fullSlots counts the full control bytes of a table (a layout check).
func (s *Swiss) fullSlots(t *table) int {
	n := 0
	groups := uintptr(t.groups.lengthMask) + 1
	for g := uintptr(0); g < groups; g++ {
		ctrl := *(*uint64)(unsafe.Add(t.groups.data, g*s.t.groupSize))
		n += countCtrl(ctrl, func(c uint8) bool { return c&0x80 == 0 })
	}
	return n
}

// Hash is the map's own hash of the key at key, with the map's seed.
func (s *Swiss) Hash(key unsafe.Pointer) uintptr {
	return s.t.hasher(key, s.m.seed)
}

// TableFor is the table a key with hash `hash` belongs to, read now
// (ok false for a small map).
func (s *Swiss) TableFor(hash uintptr) (Table, bool) {
	m := s.m
	if m.dirLen == 0 {
		return Table{}, false
	}
	i := uintptr(0)
	if m.dirLen > 1 {
		i = hash >> (m.globalShift & 63)
	}
	t := s.directoryAt(int(i))
	return s.readTable(t, int(i)), true
}

// Peek is the header and one table of a map, read without scanning any
// group: cheap enough to take before and after every operation.
type Peek struct {
	// Used is the number of entries (len).
	Used int
	// DirLen and GlobalDepth are the directory's length and depth (0 and
	// 0 for a small map).
	DirLen      int
	GlobalDepth int
	// SmallGroup reports whether a small map has its one group allocated.
	SmallGroup bool
	// Table is the table a hash belongs to (zero for a small map).
	Table PeekTable
}

// PeekTable is one table's counters and identity.
type PeekTable struct {
	// Ptr is the table's address: a different Ptr is a different table.
	// Holding it keeps the table alive, so an address is never reused
	// while a Peek holds it.
	Ptr        unsafe.Pointer
	Used       int
	Capacity   int
	GrowthLeft int
	LocalDepth int
}

// Tombstones is the table's deleted slots by the runtime's own formula
// (table.tombstones: 7/8 of the capacity minus used minus growthLeft).
func (t *PeekTable) Tombstones() int {
	return t.Capacity*maxAvgGroupLoad/GroupSlots - t.Used - t.GrowthLeft
}

// Peek reads the header and the table a key with hash `hash` (hashed with
// the map's current seed) belongs to now.
func (s *Swiss) Peek(hash uintptr) Peek {
	m := s.m
	p := Peek{Used: int(m.used), DirLen: m.dirLen, GlobalDepth: int(m.globalDepth)}
	if m.dirLen == 0 {
		p.SmallGroup = m.dirPtr != nil
		return p
	}
	i := uintptr(0)
	if m.dirLen > 1 {
		i = hash >> (m.globalShift & 63)
	}
	t := s.directoryAt(int(i))
	p.Table = PeekTable{
		Ptr:        unsafe.Pointer(t),
		Used:       int(t.used),
		Capacity:   int(t.capacity),
		GrowthLeft: int(t.growthLeft),
		LocalDepth: int(t.localDepth),
	}
	return p
}

// KeySize is the key type's size.
func (s *Swiss) KeySize() uintptr { return s.t.key.size }

// ElemSize is the element type's size.
func (s *Swiss) ElemSize() uintptr { return s.t.elem.size }

// MaxGrowthLeft is the growthLeft of an empty table of the given capacity.
func MaxGrowthLeft(capacity int) int {
	if capacity <= GroupSlots {
		return capacity - 1
	}
	return capacity * maxAvgGroupLoad / GroupSlots
}

// CheckLayout builds maps of known shape and checks that the mirrors read
// them as the language does: struct sizes, the type descriptor, used ==
// len(m), a small map's one group, and for a map with a directory that
// every table's full control bytes add up to its used count and the tables'
// used counts to len(m). It returns an error naming the first mismatch.
func CheckLayout() error {
	if sz := unsafe.Sizeof(swissMap{}); sz != 48 {
		return fmt.Errorf("rtmap: maps.Map mirror is %d bytes, want 48", sz)
	}
	if sz := unsafe.Sizeof(table{}); sz != 32 {
		return fmt.Errorf("rtmap: maps.table mirror is %d bytes, want 32", sz)
	}
	small := make(map[uint64]uint64)
	for i := uint64(1); i <= 5; i++ {
		small[i] = i
	}
	s, err := Open(small)
	if err != nil {
		return err
	}
	if h := s.Header(); !h.Small() || h.Used != 5 || h.SmallFull != 5 {
		return fmt.Errorf("rtmap: layout mismatch on %s: a 5-entry map reads as dirLen %d, used %d, %d full slots (want 0, 5, 5)",
			runtime.Version(), h.DirLen, h.Used, h.SmallFull)
	}
	if s.GroupSize() != 8+GroupSlots*16 {
		return fmt.Errorf("rtmap: layout mismatch on %s: map[uint64]uint64 group is %d bytes, want 136", runtime.Version(), s.GroupSize())
	}
	m := make(map[uint64]uint64)
	for i := uint64(1); i <= 5000; i++ {
		m[i*0x9E3779B97F4A7C15] = i
	}
	s, err = Open(m)
	if err != nil {
		return err
	}
	return s.Check(len(m))
}

// Check checks one map's structure against the language's view and the
// runtime's invariants: used == length (len(m)), dirLen == 1<<globalDepth,
// globalShift == 64-globalDepth, every directory entry inside its table's
// range (index, local depth), every table's full control bytes equal to
// its used count and its deleted ones to the runtime's tombstone formula,
// capacities and growthLeft in range, and the tables' used counts adding
// up to length. It returns an error naming the first mismatch.
func (s *Swiss) Check(length int) error {
	h := s.Header()
	if h.Used != length {
		return fmt.Errorf("rtmap: layout mismatch on %s: Map.used is %d, len(m) is %d", runtime.Version(), h.Used, length)
	}
	if h.Small() {
		if h.SmallFull != h.Used {
			return fmt.Errorf("rtmap: layout mismatch on %s: a small map of %d entries has %d full slots", runtime.Version(), h.Used, h.SmallFull)
		}
		return nil
	}
	if h.DirLen != 1<<h.GlobalDepth || h.GlobalShift != 64-h.GlobalDepth {
		return fmt.Errorf("rtmap: layout mismatch on %s: used %d (len %d), dirLen %d, globalDepth %d, globalShift %d",
			runtime.Version(), h.Used, length, h.DirLen, h.GlobalDepth, h.GlobalShift)
	}
	for i := 0; i < h.DirLen; i++ {
		t := s.directoryAt(i)
		entries := 1 << (h.GlobalDepth - int(t.localDepth))
		if t.index > i || i >= t.index+entries {
			return fmt.Errorf("rtmap: layout mismatch on %s: directory entry %d points at a table with index %d, local depth %d",
				runtime.Version(), i, t.index, t.localDepth)
		}
	}
	total := 0
	for _, t := range h.Tables {
		tb := (*table)(t.ptr)
		full := s.fullSlots(tb)
		formula := t.Capacity*maxAvgGroupLoad/GroupSlots - t.Used - t.GrowthLeft
		if full != t.Used || t.Tombstones != formula || t.Capacity < GroupSlots || t.Capacity > MaxTableCapacity || t.Capacity&(t.Capacity-1) != 0 ||
			t.LocalDepth > h.GlobalDepth || t.GrowthLeft > MaxGrowthLeft(t.Capacity) {
			return fmt.Errorf("rtmap: layout mismatch on %s: table at %d reads used %d (%d full slots), %d deleted slots (formula %d), capacity %d, growthLeft %d, localDepth %d",
				runtime.Version(), t.Index, t.Used, full, t.Tombstones, formula, t.Capacity, t.GrowthLeft, t.LocalDepth)
		}
		total += t.Used
	}
	if total != length {
		return fmt.Errorf("rtmap: layout mismatch on %s: tables hold %d entries, len(m) is %d", runtime.Version(), total, length)
	}
	return nil
}
