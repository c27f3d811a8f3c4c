#!/usr/bin/env python3
"""Writes the "bring your own diary" example in Datasets/byod/.

Six patients, 21 nights each from mid-December, written the way a clinic's spreadsheet
export often is: the id column is called `id`, dates are day-first (`DD/MM/YYYY`), the
outcome is a `Cramp?` column coded yes/no, and bedtime stretching is yes/no too. One
patient skipped two nights (rows left out). A night listed under "empty" gets an empty
`Cramp?` (none today, so that `validate --strict` passes). Cramp nights are listed
explicitly below; nothing is random.

Usage: python3 Scripts/make_byod_diary.py   (rewrites Datasets/byod/diary.csv)
"""
import datetime
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "Datasets", "byod")

# id: (age, sex, first date, stretching from night (or None), cramp nights {night: severity},
#      nights with no diary row, nights with an empty Cramp?)
PATIENTS = {
    "A01": (72, "F", "16/12/2024", None, {1: 6, 2: 7, 5: 5, 9: 6, 12: 8, 16: 6, 19: 5}, [], []),
    "A02": (48, "M", "16/12/2024", 7, {3: 4, 6: 5, 15: 3}, [], []),
    "A03": (65, "F", "17/12/2024", 0, {4: 5, 11: 4, 18: 5}, [8, 9], []),
    "A04": (81, "F", "18/12/2024", None, {0: 7, 2: 6, 3: 8, 7: 6, 10: 7, 13: 5, 14: 6, 20: 7}, [], []),
    "A05": (55, "M", "18/12/2024", 10, {1: 5, 5: 6, 8: 5, 17: 4}, [], []),
    "A06": (39, "F", "19/12/2024", None, {12: 3}, [], []),
}
NIGHTS = 21


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = ["id,Date,Cramp?,severity,age,sex,stretch_bedtime"]
    for pid, (age, sex, first, stretch, cramps, skipped, empty) in PATIENTS.items():
        start = datetime.datetime.strptime(first, "%d/%m/%Y").date()
        for night in range(NIGHTS):
            if night in skipped:
                continue
            day = (start + datetime.timedelta(days=night)).strftime("%d/%m/%Y")
            stretching = "yes" if stretch is not None and night >= stretch else "no"
            if night in empty:
                cramp, severity = "", ""
            elif night in cramps:
                cramp, severity = "yes", str(cramps[night])
            else:
                cramp, severity = "no", ""
            lines.append(f"{pid},{day},{cramp},{severity},{age},{sex},{stretching}")
    with open(os.path.join(OUT, "diary.csv"), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
