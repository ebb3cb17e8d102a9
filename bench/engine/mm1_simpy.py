#!/usr/bin/python3
"""M/M/1 queue in SimPy 3, the reference for bench/engine's Go model.

Arrivals and service are SimPy processes: a source process spawns one
customer process per arrival, and each customer requests the single-server
Resource, holds it for an exponential service time and releases it.

Usage: mm1_simpy.py N [--seed S] [--lambda L] [--mu M]
Prints key=value lines: customers, seconds, customers_per_s, mean_sojourn.
Only env.run() is timed, so interpreter start-up is not counted.
"""
import argparse
import random
import time

import simpy


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("customers", type=int)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lambda", dest="lam", type=float, default=0.8)
    p.add_argument("--mu", type=float, default=1.0)
    a = p.parse_args()

    rng = random.Random(a.seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    stats = {"served": 0, "sojourn": 0.0}

    def customer(env):
        arrived = env.now
        with server.request() as req:
            yield req
            yield env.timeout(rng.expovariate(a.mu))
        stats["served"] += 1
        stats["sojourn"] += env.now - arrived

    def source(env):
        for _ in range(a.customers):
            yield env.timeout(rng.expovariate(a.lam))
            env.process(customer(env))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - t0

    n = stats["served"]
    print(f"customers={n}")
    print(f"seconds={elapsed:.6f}")
    print(f"customers_per_s={n / elapsed:.1f}")
    print(f"mean_sojourn={stats['sojourn'] / n:.6f}")


if __name__ == "__main__":
    main()
