use super::*;
use crate::entity::EntityTable;
use crate::scenario::parse_str;
use proptest::prelude::*;
use rand::Rng;

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn campus13() -> Scenario {
    crate::scenario::load(&scenarios_dir().join("campus13.yaml")).unwrap()
}

/// A one-node scenario with one prosumer P1 (generation 10, consumption 4 kWh), one consumer
/// C1 (demand 3 kWh), a solar plant S1 (5 kWh), a wind plant W1 (2 kWh) and a battery bank,
/// with `extra` appended (its `profiles`, `location`) and `time` as given.
fn small(time: &str, refs: [&str; 4], extra: &str) -> String {
    let [generation, consumption, solar, wind] = refs;
    format!(
        r#"
name: small
time: {{{time}}}
grid:
  nodes: [{{id: 1, kind: source}}, {{id: 2, kind: entity}}]
  lines: [{{from: 1, to: 2}}]
entities:
  prosumers:
    - {{id: P1, node: 2, export_prev_kwh: 1, generation_kwh: 10, battery_kwh: 1, consumption_kwh: 4{generation}{consumption}}}
  consumers:
    - {{id: C1, node: 2, demand_kwh: 3{consumption_c}}}
  solar:
    - {{id: S1, node: 2, generation_kwh: 5{solar}}}
  wind:
    - {{id: W1, node: 2, generation_kwh: 2{wind}}}
  batteries:
    - {{id: B1, node: 2, capacity_kwh: 10, stored_kwh: 5}}
{extra}
"#,
        consumption_c = consumption.replace("consumption_profile", "profile"),
    )
}

const SITE: &str = "location: {latitude_deg: 9.09, longitude_deg: 76.49, utc_offset_h: 5.5}";

fn all_profiles(series: &str) -> String {
    format!(
        "{SITE}\nprofiles:\n  sun: {{solar: {{weather: {{uniform: {{min: 0.5, max: 1}}}}}}}}\n  \
         home: {{load: {{kind: residential}}}}\n  breeze: {{wind: {{persistence: 0.5}}}}\n{series}"
    )
}

fn refs_all() -> [&'static str; 4] {
    [
        ", generation_profile: sun",
        ", consumption_profile: home",
        ", profile: sun",
        ", profile: breeze",
    ]
}

fn profiles_of(text: &str) -> Result<Profiles, ProfileError> {
    let scenario = parse_str(text, "small.yaml").unwrap();
    Profiles::load(&scenario, Path::new("."))
}

#[test]
fn campus13_keeps_table_5_in_the_last_interval_read_before_the_outage() {
    let scenario = campus13();
    let profiles = Profiles::load(&scenario, &scenarios_dir()).unwrap();
    assert_eq!(profiles.reference_interval(), 47, "11:45–12:00");
    let table = EntityTable::new(&scenario);
    let roles = entity_roles(&scenario);
    assert_eq!(roles.len(), table.len());
    for (index, entity) in table.iter() {
        assert_eq!(roles[index as usize].0, entity.id, "the table's order");
    }
    for seed in [0, 1, 42] {
        let r = profiles.realise(seed, 0, 96);
        for (index, entity) in table.iter() {
            let at = r.energy_kwh(index, 47);
            let (generation, consumption) = match entity.profile {
                crate::entity::Profile::Prosumer {
                    generation_kwh,
                    consumption_kwh,
                    ..
                } => (generation_kwh, consumption_kwh),
                crate::entity::Profile::Consumer { demand_kwh, .. } => (0.0, demand_kwh),
                crate::entity::Profile::Solar { generation_kwh }
                | crate::entity::Profile::Wind { generation_kwh } => (generation_kwh, 0.0),
                crate::entity::Profile::Battery { .. } => (0.0, 0.0),
            };
            assert_eq!(at.generation_kwh, generation, "{} seed {seed}", entity.id);
            assert_eq!(at.consumption_kwh, consumption, "{} seed {seed}", entity.id);
        }
        // PV is dark at 02:00 and at 21:00; the hostels and the campus still consume.
        let p1 = table.index_of("P1").unwrap();
        for k in [8, 84] {
            assert_eq!(r.generation_kwh(p1, k), 0.0);
            assert!(r.consumption_kwh(p1, k) > 0.0);
        }
        // Generation peaks near solar noon (about 12:21 there): within 11:15–13:30.
        let peak = (0..96)
            .max_by(|&a, &b| r.generation_kwh(p1, a).total_cmp(&r.generation_kwh(p1, b)))
            .unwrap();
        assert!((45..54).contains(&peak), "peak interval {peak}");
    }
}

#[test]
fn without_profiles_every_interval_has_the_scenarios_values() {
    let text = small("", ["", "", "", ""], "");
    let profiles = profiles_of(&text).unwrap();
    let r = profiles.realise(7, 90, 10);
    assert_eq!(r.intervals(), 90..100);
    for k in r.intervals() {
        assert_eq!(
            r.energy_kwh(0, k),
            EntityEnergy {
                generation_kwh: 10.0,
                consumption_kwh: 4.0
            }
        );
        assert_eq!(r.consumption_kwh(1, k), 3.0);
        assert_eq!(r.generation_kwh(1, k), 0.0);
        assert_eq!(r.generation_kwh(2, k), 5.0);
        assert_eq!(r.generation_kwh(3, k), 2.0);
        assert_eq!(r.energy_kwh(4, k).generation_kwh, 0.0);
    }
}

#[test]
fn weather_is_deterministic_per_seed_and_window() {
    let text = small("start_date: 2024-05-01", refs_all(), &all_profiles(""));
    let profiles = profiles_of(&text).unwrap();
    let whole = profiles.realise(3, 0, 4 * 96);
    assert_eq!(whole, profiles.realise(3, 0, 4 * 96));
    // A window sees the same energies as the whole.
    let window = profiles.realise(3, 150, 100);
    for k in window.intervals() {
        for e in 0..5 {
            assert_eq!(window.energy_kwh(e, k), whole.energy_kwh(e, k), "{e} {k}");
        }
    }
    // Another run draws other weather: solar on another day, wind in every interval.
    let other = profiles.realise(4, 0, 4 * 96);
    assert_ne!(
        other.generation_kwh(2, 96 + 48),
        whole.generation_kwh(2, 96 + 48)
    );
    assert_ne!(other.generation_kwh(3, 40), whole.generation_kwh(3, 40));
    // On the reference day the solar factor cancels: only the clear sky shapes the day.
    assert_eq!(other.generation_kwh(2, 40), whole.generation_kwh(2, 40));
    // The weather has its own streams: a profile's draws do not depend on the others'.
    assert_ne!(
        seed::stream(1, Purpose::Weather(0)).next_u64(),
        seed::stream(1, Purpose::Optimiser).next_u64()
    );
}

#[test]
fn validation_names_the_entity_profile_and_time() {
    // Reference at 02:00: the sun is down.
    let text = small(
        "start_date: 2024-05-01, reference_at_s: 7300",
        refs_all(),
        &all_profiles(""),
    );
    let error = profiles_of(&text).unwrap_err().to_string();
    assert_eq!(
        error,
        "entity `P1`: its generation profile `sun` is zero in the reference interval 8 (7200 s \
         to 8100 s, which holds time.reference_at_s = 7300 s), so the scenario's value cannot \
         be that interval's: move time.reference_at_s or give another profile"
    );
    let invalid = |text: &str| parse_str(text, "s.yaml").unwrap_err().to_string();
    // A solar profile needs the location and the date.
    let no_site = small(
        "start_date: 2024-05-01",
        refs_all(),
        &all_profiles("").replace(SITE, ""),
    );
    assert_eq!(
        invalid(&no_site),
        "s.yaml: profiles.sun: a solar profile needs `location` (latitude, longitude, UTC \
         offset) for the sun's position"
    );
    assert_eq!(
        invalid(&small("", refs_all(), &all_profiles(""))),
        "s.yaml: profiles.home: a load profile needs `time.start_date` (the calendar day of \
         simulated time 0)"
    );
    let mut refs = refs_all();
    refs[3] = ", profile: home";
    assert_eq!(
        invalid(&small("start_date: 2024-05-01", refs, &all_profiles(""))),
        "s.yaml: entities.wind[0].profile: profile `home` is a `load` profile; this entity \
         takes wind or series"
    );
    refs[3] = ", profile: gale";
    assert_eq!(
        invalid(&small("start_date: 2024-05-01", refs, &all_profiles(""))),
        "s.yaml: entities.wind[0].profile: no profile `gale` in `profiles` (there are: \
         breeze, home, sun)"
    );
    assert!(
        invalid(&small("start_date: 1 May", refs_all(), &all_profiles("")))
            .starts_with("s.yaml: time.start_date: must be an ISO 8601 date")
    );
    let calm = all_profiles("").replace("persistence: 0.5", "reference_speed_m_s: 2");
    assert!(
        invalid(&small("start_date: 2024-05-01", refs_all(), &calm)).starts_with(
            "s.yaml: profiles.breeze.wind.reference_speed_m_s: the turbine produces nothing at 2 m/s"
        )
    );
    let overcast = all_profiles("").replace("min: 0.5", "min: 0");
    assert!(
        invalid(&small("start_date: 2024-05-01", refs_all(), &overcast))
            .starts_with("s.yaml: profiles.sun.solar.weather: can draw a factor of 0")
    );
}

/// Writes `text` to `name` in a new temporary directory.
fn file_in_temp(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    dir
}

#[test]
fn a_series_scales_to_the_reference_and_conserves_its_shape() {
    // Half-hourly kW of two columns over one day; C1 reads its own column by default.
    let mut csv = String::from("timestamp,C1,P1_consumption\n");
    for h in 0..48 {
        csv.push_str(&format!("{},{},{}\n", h * 1800, 1 + h % 4, 2.0));
    }
    let dir = file_in_temp("meters.csv", &csv);
    let series = "  meters: {series: {path: meters.csv, unit: kw}}";
    let refs = ["", ", consumption_profile: meters", "", ""];
    let text = small(
        "start_date: 2024-05-01, reference_at_s: 0",
        refs,
        &all_profiles(series),
    );
    let scenario = parse_str(&text, "small.yaml").unwrap();
    let profiles = Profiles::load(&scenario, dir.path()).unwrap();
    let r = profiles.realise(0, 0, 96);
    // C1: 1 kW in 00:00–00:30 → 0.25 kWh per interval is its 3 kWh; 2 kW → 6 kWh, and so on.
    for k in 0..96u64 {
        let kw = 1.0 + ((k / 2) % 4) as f64;
        assert!((r.consumption_kwh(1, k) - 3.0 * kw).abs() < 1e-12, "{k}");
        assert_eq!(r.consumption_kwh(0, k), 4.0);
    }
    // A short series is refused, naming the file and column.
    let short: String = csv.lines().take(40).map(|l| format!("{l}\n")).collect();
    let dir = file_in_temp("meters.csv", &short);
    let error = Profiles::load(&scenario, dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        error.ends_with(
            "meters.csv: column `C1` covers 0 s to 70200 s of simulated time; it must cover 0 s \
             to 86400 s (the horizon and the reference interval)"
        ),
        "{error}"
    );
    // A bad value names its line and column; a missing column lists those there are.
    let dir = file_in_temp("meters.csv", &csv.replacen("2,2\n", "2,x\n", 1));
    let error = Profiles::load(&scenario, dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        error.ends_with(
            "meters.csv: line 3, column `P1_consumption`: must be a number >= 0, got `x`"
        ),
        "{error}"
    );
    let dir = file_in_temp("meters.csv", &csv.replace("C1,", "C9,"));
    let error = Profiles::load(&scenario, dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        error.ends_with("meters.csv: no column `C1` (its columns: timestamp, C9, P1_consumption)"),
        "{error}"
    );
    // Only a regular file is read (a pipe named `*.csv` could be read forever).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("meters.csv")).unwrap();
    let error = Profiles::load(&scenario, dir.path())
        .unwrap_err()
        .to_string();
    assert!(error.ends_with("meters.csv: not a regular file"), "{error}");
}

#[test]
fn a_multiplier_series_multiplies_the_value_with_no_reference_interval() {
    // Hourly multipliers, zero in the reference interval (00:00): the value is the
    // multiplier-1 energy, so a zero there is no error, and each interval is value × mean.
    let mut csv = String::from("timestamp,C1,P1_consumption\n");
    for h in 0..24 {
        csv.push_str(&format!("{},{},1\n", h * 3600, [0.0, 0.5, 2.0][h % 3]));
    }
    let dir = file_in_temp("shape.csv", &csv);
    let series = "  shape: {series: {path: shape.csv, unit: multiplier}}";
    let refs = ["", ", consumption_profile: shape", "", ""];
    let text = small(
        "start_date: 2024-05-01, reference_at_s: 0",
        refs,
        &all_profiles(series),
    );
    let scenario = parse_str(&text, "small.yaml").unwrap();
    let profiles = Profiles::load(&scenario, dir.path()).unwrap();
    let r = profiles.realise(0, 0, 96);
    for k in 0..96u64 {
        let multiplier = [0.0, 0.5, 2.0][(k / 4 % 3) as usize];
        assert_eq!(r.consumption_kwh(1, k), 3.0 * multiplier, "{k}");
        assert_eq!(r.consumption_kwh(0, k), 4.0, "P1: multiplier 1");
    }
}

#[test]
fn a_parquet_series_reads_like_a_csv_one() {
    use polars::prelude::{Column, DataFrame, ParquetWriter};
    // Hourly kWh as seconds of simulated time.
    let seconds: Vec<f64> = (0..24).map(|h| f64::from(h) * 3600.0).collect();
    let kwh: Vec<f64> = (0..24).map(|h| f64::from(h % 3 + 1)).collect();
    let mut frame = DataFrame::new_infer_height(vec![
        Column::new("timestamp".into(), seconds),
        Column::new("load".into(), kwh),
    ])
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("load.parquet")).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
    let series = "  meters: {series: {path: load.parquet, column: load, unit: kwh}}";
    let refs = ["", ", consumption_profile: meters", "", ""];
    let text = small(
        "start_date: 2024-05-01, reference_at_s: 3600",
        refs,
        &all_profiles(series),
    );
    let scenario = parse_str(&text, "small.yaml").unwrap();
    let r = Profiles::load(&scenario, dir.path())
        .unwrap()
        .realise(0, 0, 96);
    // Hour 1 holds 2 kWh (0.5 per interval), which is P1's 4 kWh; hour 2, 3 kWh → 6 kWh.
    assert_eq!(r.consumption_kwh(0, 4), 4.0);
    assert!((r.consumption_kwh(0, 8) - 6.0).abs() < 1e-12);
    assert!((r.consumption_kwh(0, 0) - 2.0).abs() < 1e-12);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The reference interval's energies are the scenario's, exactly, wherever the reference
    /// falls in daylight and whatever the interval length, seed and values; no energy is
    /// negative.
    #[test]
    fn the_reference_interval_is_the_scenarios_exactly(
        reference_s in 25_000.0f64..60_000.0,
        interval_s in prop::sample::select(vec![300.0, 900.0, 1800.0, 3600.0]),
        seed in any::<u64>(),
        value in 0.001f64..1e6,
    ) {
        let text = small(
            &format!("start_date: 2024-05-01, meter_interval_s: {interval_s}, reference_at_s: {reference_s}"),
            refs_all(),
            &all_profiles(""),
        ).replace("generation_kwh: 10", &format!("generation_kwh: {value}"));
        let profiles = profiles_of(&text).unwrap();
        let k = profiles.reference_interval();
        prop_assert_eq!(k, (reference_s / interval_s) as u64);
        let r = profiles.realise(seed, k.saturating_sub(3), 8);
        prop_assert_eq!(r.generation_kwh(0, k), value);
        prop_assert_eq!(r.consumption_kwh(0, k), 4.0);
        prop_assert_eq!(r.consumption_kwh(1, k), 3.0);
        prop_assert_eq!(r.generation_kwh(2, k), 5.0);
        prop_assert_eq!(r.generation_kwh(3, k), 2.0);
        for i in r.intervals() {
            for e in 0..5 {
                let energy = r.energy_kwh(e, i);
                prop_assert!(energy.generation_kwh >= 0.0 && energy.consumption_kwh >= 0.0);
            }
        }
    }
}
