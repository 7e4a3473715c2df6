import { isSubjectToken } from '@switchboard/proto';
import { z } from 'zod';

/** The request bodies of the admin pages' endpoints (`/v1/admin/...`). The admin service validates the
 * rest (emails, password policy, time zones, overlapping windows, known groups) and answers typed errors. */

const token = z.string().refine(isSubjectToken, 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -');
const tags = (max: number) => z.array(z.string().trim().min(1).max(64)).max(max);

export const businessHoursBody = z.object({
  time_zone: z.string().max(64).default(''),
  windows: z
    .array(
      z.object({
        weekday: z.number().int().min(0).max(6),
        start_minute: z.number().int().min(0).max(1440),
        end_minute: z.number().int().min(0).max(1440),
      }),
    )
    .max(70)
    .default([]),
});

export const adminAgentBody = z.object({
  /** Absent for a new agent; an existing agent is the one with this email (emails do not change). */
  id: token.nullish(),
  email: z.string().trim().min(3).max(254),
  display_name: z.string().trim().min(1).max(100),
  role: z.enum(['agent', 'supervisor', 'admin']),
  max_concurrent: z.number().int().min(0).max(1000).default(0),
  group_ids: z.array(token).max(50).default([]),
  skills: tags(50).default([]),
  languages: tags(20).default([]),
  /** Required for a new agent; empty or absent keeps an existing agent's password. */
  password: z.string().max(1024).nullish(),
});

export const adminGroupBody = z.object({
  /** Absent: a new group, its id made from the name. */
  id: token.nullish(),
  name: z.string().trim().min(1).max(100),
  manual_pick: z.boolean().default(false),
  max_concurrent_per_agent: z.number().int().min(0).max(1000).default(0),
  skills: tags(50).default([]),
  languages: tags(20).default([]),
  business_hours: businessHoursBody.nullish(),
});

export const widgetSettingsBody = z.object({
  title: z.string().max(100).default(''),
  color: z
    .string()
    .trim()
    .max(32)
    .refine((c) => c === '' || /^#[0-9a-fA-F]{3,8}$/.test(c), 'must be a #rgb or #rrggbb colour')
    .default(''),
  position: z.enum(['left', 'right']).default('right'),
  pre_chat_enabled: z.boolean().default(false),
  pre_chat_fields: z
    .array(
      z.object({
        key: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be 1-32 characters of a-z, 0-9 or _'),
        label_en: z.string().trim().max(100).default(''),
        label_zh: z.string().trim().max(100).default(''),
        required: z.boolean().default(false),
      }),
    )
    .max(20)
    .default([]),
  welcome_message: z.string().max(1000).default(''),
  offline_message: z.string().max(1000).default(''),
  csat_enabled: z.boolean().default(false),
});

const seconds = (max: number) => z.number().int().min(0).max(max);

/** PUT /v1/admin/settings: any of these; `widget` and `business_hours` replace the whole part. */
export const adminSettingsBody = z.object({
  default_group_id: z.union([z.literal(''), token]).optional(),
  accept_timeout_s: seconds(3600).optional(),
  idle_close_s: seconds(30 * 86400).optional(),
  idle_warning_s: seconds(86400).optional(),
  reopen_window_s: seconds(30 * 86400).optional(),
  default_max_concurrent: z.number().int().min(0).max(1000).optional(),
  idle_close_disabled: z.boolean().optional(),
  reopen_disabled: z.boolean().optional(),
  business_hours: businessHoursBody.optional(),
  widget: widgetSettingsBody.optional(),
});

export type AdminSettingsBody = z.infer<typeof adminSettingsBody>;
export type BusinessHoursBody = z.infer<typeof businessHoursBody>;
