#!/usr/bin/env python3
"""Writes the small hand-made example diary in Datasets/example/.

Eight patients, 14 nights each, chosen by hand to show every feature of the night-level
layout: a pregnant patient crossing from the 2nd into the 3rd trimester, a hemodialysis
patient with dialysis-day nights (Mon/Wed/Fri sessions), a patient who starts a magnesium
supplement on night 7, missing diary nights (observed = 0, outcome fields empty), and nights
with several cramps. Cramp nights are listed explicitly below; nothing is random.

Usage: python3 Scripts/make_example_diary.py   (rewrites Datasets/example/*.csv)
"""
import datetime
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "Datasets", "example")

# patient_id: (age, sex, diabetes, hemodialysis, enrol date, cramp nights {night: (count, severity, minutes)},
#              missing nights, trimester by night (or None), supplement start night (or None))
PATIENTS = {
    "P01": (34, "F", 0, 0, "2024-03-04", {3: (1, 4, 2.5), 9: (1, 3, 1.0)}, [], None, None),
    "P02": (71, "F", 0, 0, "2024-03-04", {1: (1, 6, 5.0), 2: (2, 7, 8.5), 6: (1, 5, 3.0), 11: (3, 8, 12.0)}, [5], None, None),
    "P03": (58, "M", 1, 0, "2024-03-05", {4: (1, 5, 4.0), 8: (1, 6, 6.5), 12: (1, 4, 2.0)}, [], None, 7),
    "P04": (29, "F", 0, 0, "2024-03-06", {2: (1, 5, 3.0), 10: (2, 7, 6.0), 11: (1, 6, 4.5), 13: (1, 7, 5.0)}, [6, 7], {0: 2, 9: 3}, None),
    "P05": (66, "M", 1, 1, "2024-03-04", {0: (1, 7, 9.0), 4: (2, 8, 11.0), 7: (1, 6, 5.5), 9: (1, 7, 7.0), 11: (1, 5, 4.0)}, [], None, None),
    "P06": (45, "M", 0, 0, "2024-03-07", {}, [3], None, None),
    "P07": (83, "F", 0, 0, "2024-03-04", {0: (1, 4, 3.0), 3: (1, 5, 2.0), 5: (1, 6, 4.0), 8: (2, 6, 7.5), 13: (1, 5, 3.5)}, [12], None, 0),
    "P08": (52, "F", 0, 0, "2024-03-08", {7: (1, 3, 1.5)}, [], None, None),
}
NIGHTS = 14

HEADER = ["patient_id", "night", "date", "observed", "cramp", "cramp_count", "severity",
          "duration_min", "age", "age_over_50", "sex", "trimester", "dialysis_day", "diabetes",
          "mg_supp", "mg_diet_mg", "alcohol_units", "fluid_cups"]


def main():
    rows = []
    patients = []
    for pid, (age, sex, diabetes, hd, enrol, cramps, missing, trimesters, supp) in PATIENTS.items():
        start = datetime.date.fromisoformat(enrol)
        trimester = 0
        for night in range(NIGHTS):
            date = start + datetime.timedelta(days=night)
            if trimesters and night in trimesters:
                trimester = trimesters[night]
            observed = 0 if night in missing else 1
            count, severity, minutes = cramps.get(night, (0, None, None))
            dialysis_day = 1 if hd and date.weekday() in (0, 2, 4) else 0
            mg_supp = 1 if supp is not None and night >= supp else 0
            # Intakes follow a fixed weekly pattern per patient (hand-chosen, not random).
            base = 240 + 10 * int(pid[1:])
            mg_diet = base + (15 if date.weekday() in (5, 6) else 0) - 5 * (night % 3)
            alcohol = 2 if date.weekday() in (4, 5) and pid not in ("P04", "P05") else 0
            fluid = 6.5 + 0.5 * (night % 4)
            rows.append([
                pid, night, date.isoformat(), observed,
                "" if not observed else (1 if count else 0),
                "" if not observed else count,
                "" if severity is None else severity,
                "" if minutes is None else minutes,
                age, int(age > 50), sex, trimester, dialysis_day, diabetes, mg_supp,
                mg_diet, alcohol, fluid,
            ])
        patients.append([pid, enrol, NIGHTS, age, int(age > 50), sex, diabetes, hd,
                         "" if supp is None else supp,
                         1 if trimesters else 0])
    with open(os.path.join(OUT, "diary_nights.csv"), "w", newline="\n") as f:
        f.write(",".join(HEADER) + "\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")
    with open(os.path.join(OUT, "patients.csv"), "w", newline="\n") as f:
        f.write("patient_id,enrol_date,n_nights,age_at_enrol,age_over_50,sex,diabetes,"
                "hemodialysis,supp_start_night,pregnant_at_enrol\n")
        for r in patients:
            f.write(",".join(str(x) for x in r) + "\n")


if __name__ == "__main__":
    main()
