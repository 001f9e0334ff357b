//go:build go1.24 && !goexperiment.mapsplitgroup

package main

// splitGroups: groups interleave key and value per slot.
const splitGroups = false

const buildExperiment = ""
