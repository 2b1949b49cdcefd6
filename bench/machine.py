"""The machine a bench ran on, printed with its figures."""
from __future__ import annotations

import os
import platform
from pathlib import Path


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def describe() -> str:
    """nproc, CPU model, memory and the load average right now (others' work skews figures)."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"machine: {os.cpu_count()} CPUs ({_cpu_model()}), {_memory_gb():.1f} GB RAM, "
            f"Linux {platform.release()}, Python {platform.python_version()}, load average {load}")
