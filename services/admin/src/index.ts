// Public surface of @switchboard/admin (re-exported by main.ts, the package entry).
export { loadAdminConfig, loadSeedConfig, type AdminConfig, type SeedConfig } from './config';
export {
  ConfigAdministration,
  type AgentInput,
  type CannedReplyInput,
  type Deleted,
  type GroupInput,
  type TenantInput,
  type Upserted,
  type WidgetKeyInput,
} from './domain/config-administration';
export { SETTINGS_LIMITS, validateTenantSettings } from './domain/settings-validation';
export { PasswordHasher, hashPassword, verifyPassword } from './domain/password';
export {
  DEFAULT_SEED_PASSWORD,
  DEMO,
  formatSeedSummary,
  runSeed,
  seedDemo,
  type SeedOptions,
  type SeedSummary,
  type SeedTarget,
} from './seed';
