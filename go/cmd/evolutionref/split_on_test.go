//go:build goexperiment.mapsplitgroup

package main

// splitGroups: built with GOEXPERIMENT=mapsplitgroup.
const splitGroups = true

const buildExperiment = "mapsplitgroup"
