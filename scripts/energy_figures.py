#!/usr/bin/env python3
"""Writes the "energy" object of every shipped accelerator (hwspecs/accelerators/*.json).

Re-runnable: it replaces an existing "energy" object. Every figure is an estimate with its
derivation in the source string (docs/hwspecs.md, "energy"); a spec with a measured or vendor
figure should override the estimate by hand and cite it (and drop the part from PARTS here).
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Process node → factor on Horowitz's 45 nm energies (ISSCC 2014, "Computing's energy problem").
# Switched energy scales roughly with C·V²; these factors are order-of-magnitude estimates.
NODE_FACTOR = {"N7": 0.3, "N6": 0.3, "N5": 0.25, "N4": 0.25, "N3": 0.2, "Intel 7": 0.35,
               "undisclosed": 0.3}
PARTS = {
    "a100-pcie": "N7", "a100-sxm": "N7", "atom": "N5", "b200": "N4", "gaudi2": "N7",
    "gaudi3": "N5", "gb200": "N4", "gh200": "N4", "h100-pcie": "N4", "h100-sxm": "N4",
    "h200": "N4", "l40s": "N4", "mi210": "N6", "mi250x-1gcd": "N6", "mi250x": "N6",
    "mi300x": "N5", "mi325x": "N5", "mi355x": "N3", "rngd": "N5", "rtx-4090": "N4",
    "tpu-v5e": "undisclosed", "tpu-v5p": "undisclosed", "tpu-v6e": "undisclosed",
    "trainium2": "N5", "xeon-8480": "Intel 7", "xeon-max-9480": "Intel 7",
}
# Horowitz ISSCC 2014, 45 nm: 64-bit read of a 32 KB SRAM 20 pJ, of a 1 MB SRAM 100 pJ.
SRAM_32K_PJ_PER_BIT = 20 / 64
SRAM_1M_PJ_PER_BIT = 100 / 64
CHIP_WIDE = {"L2", "L3", "Infinity Cache"}
COMPUTE_SHARE = 0.6   # of TDP drawn by the arithmetic in a GEMM running at dense peak
STATIC_SHARE = 0.25   # of TDP drawn whatever the work (leakage, clocks, uncore) while busy
LINK_PJ = {"nvlink-c2c": 1.3}
LINK_DEFAULT_PJ = {"roce": 10.0, "pcie": 6.0}
# Optional prices: only where a launch price is public; otherwise absent (no guessing).
PRICES = {
    "rtx-4090": (1599, "estimate: NVIDIA's US launch MSRP (October 2022), not in hardware-facts"),
}


def quantity_to_float(text):
    number, unit = text.split()
    scale = {"TFLOP/s": 1e12, "TOP/s": 1e12, "PFLOP/s": 1e15, "POP/s": 1e15, "GFLOP/s": 1e9}[unit]
    return float(number) * scale


def watts(text):
    number, unit = text.split()
    assert unit == "W", text
    return float(number)


def fmt(value):
    return f"{value:.3g}"


def energy_for(spec, node):
    tdp = watts(spec["tdp"]["value"])
    factor = NODE_FACTOR[node]
    compute = {}
    for dtype, peak in spec["compute"]["peak"].items():
        rate = quantity_to_float(peak["value"])
        pj = COMPUTE_SHARE * tdp / rate * 1e12
        unit = "pJ/op" if dtype.startswith("int") else "pJ/FLOP"
        compute[dtype] = {
            "value": f"{fmt(pj)} {unit}",
            "source": f"estimate: {COMPUTE_SHARE} x TDP / dense peak = {COMPUTE_SHARE} x "
                      f"{fmt(tdp)} W / {peak['value']} (a GEMM at peak draws about the TDP, "
                      f"{int(COMPUTE_SHARE * 100)} % of it in the datapaths); cross-check: "
                      "Horowitz ISSCC 2014 gives 0.75 pJ/FLOP for a 45 nm fp16 FMA",
        }
    memory = {}
    for level in spec["memory"][:-1]:
        chip_wide = level["name"] in CHIP_WIDE
        base = SRAM_1M_PJ_PER_BIT if chip_wide else SRAM_32K_PJ_PER_BIT
        size = "1 MB SRAM, 100 pJ" if chip_wide else "32 KB SRAM, 20 pJ"
        memory[level["name"]] = {
            "value": f"{fmt(base * factor)} pJ/bit",
            "source": f"estimate: Horowitz ISSCC 2014 45 nm 64-bit read of a {size} = "
                      f"{fmt(base)} pJ/bit, x {factor} for {node} (C V^2 scaling)",
        }
    links = {}
    kinds = [link["kind"] for link in spec["interconnect"]] + [spec["host_link"]["kind"]]
    for kind in kinds:
        if kind in LINK_PJ:
            links[kind] = {
                "value": f"{LINK_PJ[kind]} pJ/bit",
                "source": "estimate: NVIDIA's stated NVLink-C2C energy (Grace Hopper "
                          "announcement, 2022); not in hardware-facts",
            }
            continue
        family = "roce" if kind.startswith("roce") else "pcie" if kind.startswith("pcie") else None
        pj = LINK_DEFAULT_PJ.get(family, 5.0)
        what = {"roce": "Ethernet port incl. NIC and optics-less DAC",
                "pcie": "PCIe PHY + controller"}.get(family, "off-package 50-200 Gb/s SerDes link")
        links[kind] = {
            "value": f"{pj} pJ/bit",
            "source": f"estimate: typical {what}, order of magnitude; no figure in hardware-facts",
        }
    energy = {
        "compute": compute,
        "memory": memory,
        "links": links,
        "static_power": {
            "value": f"{fmt(STATIC_SHARE * tdp)} W",
            "source": f"estimate: {STATIC_SHARE} x TDP ({fmt(tdp)} W): leakage, clocks and "
                      "uncore while busy; no measurement in hardware-facts",
        },
    }
    if spec["id"] in PRICES:
        price, source = PRICES[spec["id"]]
        energy["price"] = {"value": f"{price} USD", "source": source}
    return energy


def main():
    for part, node in PARTS.items():
        path = ROOT / "hwspecs" / "accelerators" / f"{part}.json"
        spec = json.loads(path.read_text())
        spec["energy"] = energy_for(spec, node)
        path.write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
