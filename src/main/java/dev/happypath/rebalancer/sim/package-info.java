/**
 * A Kubernetes API in-process, for the demo and the tests: kubernetes-server-mock's CRUD mode plus what a
 * real API server does that CRUD mode lacks (the policy/v1 eviction subresource honouring
 * PodDisruptionBudgets, PDB status, discovery and server-side tables for kubectl, field selectors, graceful
 * pod deletion). {@code sim.cluster} simulates a cluster around it, {@code sim.demo} plays stories on it.
 * Not product code: no product package imports it.
 */
package dev.happypath.rebalancer.sim;
