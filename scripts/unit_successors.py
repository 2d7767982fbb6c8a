"""Write institutions/data/unit_successors.csv: which of today's communes and wards each commune-level unit
of Hà Tĩnh before 1 July 2025 became part of; and institutions/data/unit_centres.csv: where each unit is
(its centre's latitude and longitude), for "Gần tôi".

Source: the 2025 conversion tables of the `vietnamadminunits` package (MIT licence, Tran Ngoc Minh Hieu,
https://github.com/tranngocminhhieu/vietnamadminunits), version 1.0.4, which follow Resolution
1665/NQ-UBTVQH15 on the arrangement of Hà Tĩnh's commune-level units. A unit divided between several new
ones is given the one that took most of it (the package's default) first, then the others.

Run once when the source changes (the project does not depend on the package at run time):

    pip download --no-deps vietnamadminunits==1.0.4 -d /tmp/vau
    python scripts/unit_successors.py /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl
"""

import csv
import json
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "institutions" / "data" / "ha_tinh_admin_units.csv"
OUTPUT = ROOT / "institutions" / "data" / "unit_successors.csv"
CENTRES = ROOT / "institutions" / "data" / "unit_centres.csv"
PROVINCE = "tinhhatinh"


def main(wheel: str) -> None:
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder, [n for n in archive.namelist() if n.startswith("vietnamadminunits/data/")])
        data = Path(folder) / "vietnamadminunits" / "data"
        tables = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))
        database = sqlite3.connect(data / "dataset.db")
        new_codes = dict(
            database.execute("select wardKey, wardCode from admin_units where provinceKey = ?", (PROVINCE,))
        )
        legacy = list(
            database.execute(
                "select districtKey, wardKey, wardCode, districtCode, wardShort from admin_units_legacy "
                "where provinceKey = ?",
                (PROVINCE,),
            )
        )
        places_today = {
            code: (lat, lon)
            for code, lat, lon in database.execute(
                "select wardCode, wardLat, wardLon from admin_units where provinceKey = ?", (PROVINCE,)
            )
        }
        places_before = {
            code: (lat, lon)
            for code, lat, lon in database.execute(
                "select wardCode, wardLat, wardLon from admin_units_legacy where provinceKey = ? "
                "union select districtCode, districtLat, districtLon from admin_units_legacy "
                "where provinceKey = ? union select provinceCode, provinceLat, provinceLon from admin_units "
                "where provinceKey = ?",
                (PROVINCE, PROVINCE, PROVINCE),
            )
        }
    old_codes = {f"{PROVINCE}_{district}_{ward}": code for district, ward, code, _d, _n in legacy}
    # The reference's code, else the same name in the same district (a few codes differ between them).
    by_name = {(district_code, name): code for _d, _w, code, district_code, name in legacy}
    successors: dict[str, list[str]] = {}
    for new_key, old_keys in tables["DICT_PROVINCE_WARD_NO_DIVIDED"][PROVINCE].items():
        for old_key in old_keys:
            successors.setdefault(old_codes[old_key], []).append(new_codes[new_key])
    for old_key, parts in tables["DICT_PROVINCE_WARD_DIVIDED"].get(PROVINCE, {}).items():
        ordered = sorted(parts, key=lambda part: not part["isDefaultNewWard"])
        successors[old_codes[old_key]] = [new_codes[part["newWardKey"]] for part in ordered]

    with UNITS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    current = {row["code"] for row in rows if row["level"] == "commune" and not row["valid_to"].strip()}
    former = [row for row in rows if row["level"] == "commune" and row["valid_to"].strip()]
    unknown = {code for codes in successors.values() for code in codes} - current
    if unknown:
        sys.exit(f"successors not in today's units: {sorted(unknown)}")
    found, divided, missing = 0, 0, []
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["former_code", "former_name", "successor_codes"])
        for row in former:
            codes = successors.get(row["code"]) or successors.get(
                by_name.get((row["parent_code"], row["name"])), []
            )
            if codes:
                found += 1
                divided += len(codes) > 1
            else:
                missing.append(f"{row['code']} {row['name']}")
            writer.writerow([row["code"], row["name"], " ".join(codes)])
    print(f"{len(former)} former units: {found} mapped ({divided} divided); not in the source: {missing}")
    write_centres(rows, places_today, places_before, by_name)


def write_centres(rows, places_today, places_before, by_name) -> None:
    """Each unit's centre: today's units from the 2025 table, the others (and the province) from the
    table before it; a former commune whose code differs is found by its name in its district."""
    placed = []
    for row in rows:
        today = not row["valid_to"].strip()
        if today and row["level"] == "commune":
            place = places_today.get(row["code"])
        else:
            place = places_before.get(row["code"]) or places_before.get(
                by_name.get((row["parent_code"], row["name"]))
            )
        if place:
            valid_to = "" if today else row["valid_to"]
            placed.append([row["code"], valid_to, f"{place[0]:.6f}", f"{place[1]:.6f}"])
    with CENTRES.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "valid_to", "latitude", "longitude"])
        writer.writerows(placed)
    print(f"{len(placed)} of {len(rows)} units placed")


if __name__ == "__main__":
    main(sys.argv[1])
