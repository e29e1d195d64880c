#include "kinds/migrate/schema_migration_runner.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/round.h"
#include "kinds/migrate/schema_migration.h"
#include "kinds/migrate/schema_migration_check.h"
#include "kinds/migrate/schema_migration_crash.h"
#include "kinds/migrate/schema_migration_fleet.h"
#include "kinds/migrate/schema_migration_spec.h"
#include "sqlite/io_counter.h"

namespace shardlab {
namespace {

double PerSecond(double n, double seconds) { return RoundDigits(n / std::max(seconds, 1e-9), 1); }

// Every file at version 2 with the whole change and its data unchanged.
Json VerifyFleet(const Fleet& fleet, const FleetRows& rows) {
  int64_t at_v2 = 0, not_v2 = 0, lost = 0, wrong = 0, corrupt = 0;
  std::string detail;
  for (size_t f = 0; f < fleet.paths().size(); ++f) {
    const FileState st = ReadFileState(fleet.paths()[f]);
    const FileClass c = Classify(st);
    if (c == FileClass::kCorrupt) {
      ++corrupt;
      if (detail.empty()) detail = fleet.paths()[f] + ": " + st.error;
      continue;
    }
    c == FileClass::kV2 ? ++at_v2 : ++not_v2;
    if (c == FileClass::kWrongBackfill) ++wrong;
    if (c != FileClass::kV2 && detail.empty()) detail = fleet.paths()[f] + " is " + FileClassName(c);
    if (st.rows != static_cast<int64_t>(rows.items[f].size()) || st.checksum != rows.checksums[f]) {
      ++lost;
      if (detail.empty()) detail = fleet.paths()[f] + ": rows or checksum changed";
    }
  }
  return {{"ok", not_v2 + lost + corrupt == 0}, {"at_v2", at_v2}, {"not_at_v2", not_v2}, {"data_lost", lost},
          {"wrong_backfill", wrong}, {"corrupt", corrupt}, {"detail", detail}};
}

Json Timing(const FleetMigrationStats& st, size_t files, uint64_t rows) {
  return {{"files", files},
          {"seconds", RoundDigits(st.seconds, 4)},
          {"files_per_s", PerSecond(static_cast<double>(files), st.seconds)},
          {"rows_per_s", PerSecond(static_cast<double>(rows), st.seconds)},
          {"file_latency_us", st.file_latency.ToJsonMicros()}};
}

Status FailedFiles(const FleetMigrationStats& st, const std::string& what) {
  return Status::Runtime(what + ": " + std::to_string(st.failed) + " file(s) failed; first: " + st.first_error);
}

}  // namespace

StatusOr<Json> RunSchemaMigration(const Scenario& s, const std::string& data_dir, Workspace& workspace) {
  (void)workspace;  // every fleet keeps its own, removed when the fleet is done
  const SchemaMigrationSpec& spec = s.Spec<SchemaMigrationSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(FleetRows rows, RouteFleetRows(s));
  const uint32_t files = s.shards.count;
  size_t min_rows = SIZE_MAX, max_rows = 0;
  for (const auto& items : rows.items) {
    min_rows = std::min(min_rows, items.size());
    max_rows = std::max(max_rows, items.size());
  }
  Json change = Json::array();
  for (const std::string& step : SchemaChangeSteps()) change.push_back(step);
  change.push_back("PRAGMA user_version = " + std::to_string(kSchemaVersionAfter));
  Json out = {{"files", files},
              {"rows", rows.rows},
              {"rows_per_file", {{"min", min_rows}, {"mean", RoundDigits(static_cast<double>(rows.rows) / files, 2)},
                                 {"max", max_rows}}},
              {"synchronous", s.sqlite.synchronous},
              {"change", change}};
  Json strategies = Json::object(), floor = Json::object(), bare = Json::object();
  // Write the load back before timing, unless the migration never waits for the disk.
  const bool sync_load = s.sqlite.synchronous != "off";

  for (const std::string& mode : spec.journal_modes) {
    FleetMigration m;
    m.sqlite = s.sqlite;
    m.sqlite.journal_mode = mode;
    m.workers = static_cast<int>(spec.workers);
    for (size_t i = 0; i < spec.strategies.size(); ++i) {
      const std::string& name = spec.strategies[i];
      m.strategy = *ParseMigrationStrategy(name);
      std::unique_ptr<Progress> progress = std::make_unique<Progress>("provision " + name + "/" + mode, files);
      SHARDLAB_ASSIGN_OR_RETURN(Fleet fleet, Fleet::Provision(s, rows, files, name + "-" + mode, mode, data_dir, sync_load,
                                                              progress.get()));
      if (!out.contains("provision")) {
        out["provision"] = {{"journal_mode", mode}, {"seconds", RoundDigits(fleet.seconds(), 3)},
                            {"files_per_s", PerSecond(files, fleet.seconds())},
                            {"how", sync_load ? "one transaction per file at synchronous=off, then syncfs"
                                              : "one transaction per file at synchronous=off"}};
      }
      m.files = fleet.paths();
      if (spec.floor && i == 0) {
        progress = std::make_unique<Progress>("floor " + mode, files);
        m.progress = progress.get();
        const FleetMigrationStats touched = TouchFleet(m);
        if (touched.failed > 0) return FailedFiles(touched, "floor (" + mode + ")");
        floor[mode] = Timing(touched, files, rows.rows);
        floor[mode].erase("rows_per_s");
      }
      progress = std::make_unique<Progress>("migrate " + name + "/" + mode, files);
      m.progress = progress.get();
      const IoCounts io_before = IoCounts::Snapshot();
      const FleetMigrationStats st = MigrateFleet(m);
      const IoCounts io = IoCounts::Snapshot() - io_before;
      progress.reset();
      m.progress = nullptr;
      if (st.failed > 0) return FailedFiles(st, name + " (" + mode + ")");
      Json cell = Timing(st, files, rows.rows);
      cell["io_per_file"] = io.PerOp(files);
      cell["migrated"] = st.migrated;
      cell["backfilled_rows"] = st.rows;
      cell["verify"] = VerifyFleet(fleet, rows);
      const FleetMigrationStats again = MigrateFleet(m);
      cell["rerun_migrated"] = again.migrated;
      cell["rerun_failed"] = again.failed;
      if (floor.contains(mode)) {
        cell["seconds_over_floor"] = RoundDigits(st.seconds / std::max(floor[mode]["seconds"].get<double>(), 1e-9), 3);
      }
      strategies[name][mode] = cell;
      fleet.Remove();
    }
    if (spec.bare) {
      std::unique_ptr<Progress> progress = std::make_unique<Progress>("provision bare/" + mode, files);
      SHARDLAB_ASSIGN_OR_RETURN(Fleet fleet, Fleet::Provision(s, rows, files, "bare-" + mode, mode, data_dir, sync_load,
                                                              progress.get()));
      progress = std::make_unique<Progress>("bare " + mode, files);
      m.files = fleet.paths();
      m.progress = progress.get();
      const IoCounts io_before = IoCounts::Snapshot();
      const FleetMigrationStats st = BareMigrateFleet(m);
      const IoCounts io = IoCounts::Snapshot() - io_before;
      progress.reset();
      m.progress = nullptr;
      if (st.failed > 0) return FailedFiles(st, "bare (" + mode + ")");
      bare[mode] = Timing(st, files, rows.rows);
      bare[mode]["io_per_file"] = io.PerOp(files);
      bare[mode]["verify"] = VerifyFleet(fleet, rows);
      fleet.Remove();
      for (const std::string& name : spec.strategies) {
        Json& cell = strategies[name][mode];
        cell["files_per_s_over_bare"] =
            RoundDigits(cell["files_per_s"].get<double>() / std::max(bare[mode]["files_per_s"].get<double>(), 1e-9), 3);
      }
    }
  }

  const int64_t trials = MigrationCrashTrials(s);
  if (trials > 0) {
    Progress progress("crash trials", static_cast<uint64_t>(trials) * spec.strategies.size() * spec.journal_modes.size());
    for (const std::string& mode : spec.journal_modes) {
      for (const std::string& name : spec.strategies) {
        MigrationCrashCell cell{*ParseMigrationStrategy(name), mode};
        SHARDLAB_ASSIGN_OR_RETURN(Json crash, RunMigrationCrashCell(s, rows, cell, data_dir, &progress));
        strategies[name][mode]["crash"] = std::move(crash);
      }
    }
  }
  out["strategies"] = strategies;
  if (spec.floor) out["floor"] = floor;
  if (spec.bare) out["bare"] = bare;
  return out;
}

}  // namespace shardlab
