/** Every string the widget shows, in English and Simplified Chinese. Placeholders are `{name}`. */

export type Lang = 'en' | 'zh-CN';

const en = {
  'title.default': 'Chat with us',
  'launcher.open': 'Open chat',
  'launcher.unread': 'Open chat ({count} unread)',
  'panel.close': 'Close chat',
  'status.connecting': 'Connecting…',
  'status.waiting': 'We will be with you shortly',
  'status.chatting': 'Chatting with {name}',
  'status.ended': 'Conversation ended',
  'agent.fallback': 'Agent',
  'bot.fallback': 'Bot',
  'banner.reconnecting': 'Reconnecting…',
  'banner.lost': 'Connection lost.',
  'banner.retry': 'Retry',
  'composer.label': 'Message',
  'composer.placeholder': 'Type your message…',
  'composer.send': 'Send message',
  'message.sending': 'Sending…',
  'message.failed': 'Not sent',
  'message.retry': 'Retry',
  'message.read': 'Read',
  'history.more': 'Show earlier messages',
  'typing.one': '{name} is typing…',
  'queue.position': 'You are number {position} in line',
  'queue.wait': 'about {minutes} min',
  'queue.soon': 'an agent will join shortly',
  'event.joined': '{name} joined the conversation',
  'event.transfer': 'Transferring you to another agent…',
  'idle.warning':
    'This conversation will close in about {minutes} min because of inactivity. Send a message to keep it open.',
  'closed.notice': 'This conversation has ended.',
  'closed.new': 'Start a new conversation',
  'csat.question': 'How would you rate this conversation?',
  'csat.star': '{score} out of 5 stars',
  'csat.comment': 'Anything else you would like to tell us? (optional)',
  'csat.submit': 'Send rating',
  'csat.choose': 'Please choose a rating first.',
  'csat.thanks': 'Thanks for your feedback!',
  'csat.error': 'Your rating could not be sent. Please try again.',
  'prechat.intro': 'Please tell us a little about yourself before we start.',
  'prechat.submit': 'Start chat',
  'form.required': 'This field is required.',
  'form.email': 'Please enter a valid email address.',
  'form.invalid': 'Please check this field.',
  'offline.title.noAgents': 'No one is available right now',
  'offline.title.hours': 'We are outside our business hours',
  'offline.body': 'Leave us a message and we will answer it as soon as someone is available.',
  'offline.name': 'Your name',
  'offline.email': 'Email',
  'offline.message': 'Message',
  'offline.submit': 'Leave a message',
  'offline.sent': 'Thanks! We have your message and will answer it as soon as someone is available.',
  'offline.contactName': 'Name: {name}',
  'offline.contactEmail': 'Email: {email}',
  'error.start': 'We could not start the chat. Please try again.',
  'error.retry': 'Try again',
  'error.tooLong': 'This message is too long.',
} as const;

export type MessageKey = keyof typeof en;

const zhCN: Record<MessageKey, string> = {
  'title.default': '在线客服',
  'launcher.open': '打开聊天',
  'launcher.unread': '打开聊天（{count} 条未读）',
  'panel.close': '关闭聊天',
  'status.connecting': '正在连接…',
  'status.waiting': '客服马上就来',
  'status.chatting': '正在与 {name} 聊天',
  'status.ended': '会话已结束',
  'agent.fallback': '客服',
  'bot.fallback': '机器人',
  'banner.reconnecting': '正在重新连接…',
  'banner.lost': '连接已断开。',
  'banner.retry': '重试',
  'composer.label': '消息',
  'composer.placeholder': '请输入消息…',
  'composer.send': '发送消息',
  'message.sending': '发送中…',
  'message.failed': '未发送',
  'message.retry': '重试',
  'message.read': '已读',
  'history.more': '查看更早的消息',
  'typing.one': '{name} 正在输入…',
  'queue.position': '您在队列中排第 {position} 位',
  'queue.wait': '预计约 {minutes} 分钟',
  'queue.soon': '客服马上为您服务',
  'event.joined': '{name} 加入了会话',
  'event.transfer': '正在为您转接其他客服…',
  'idle.warning': '由于长时间无活动，本会话将在约 {minutes} 分钟后关闭。发送消息即可保持会话。',
  'closed.notice': '本次会话已结束。',
  'closed.new': '开始新的会话',
  'csat.question': '您对本次服务满意吗？',
  'csat.star': '{score} 星（满分 5 星）',
  'csat.comment': '还有什么想告诉我们的吗？（选填）',
  'csat.submit': '提交评价',
  'csat.choose': '请先选择评分。',
  'csat.thanks': '感谢您的反馈！',
  'csat.error': '评价未能提交，请重试。',
  'prechat.intro': '开始聊天前，请简单介绍一下您自己。',
  'prechat.submit': '开始聊天',
  'form.required': '此项为必填项。',
  'form.email': '请输入有效的电子邮箱地址。',
  'form.invalid': '请检查此项。',
  'offline.title.noAgents': '暂时没有客服在线',
  'offline.title.hours': '现在不是我们的工作时间',
  'offline.body': '请给我们留言，客服上线后会尽快回复您。',
  'offline.name': '您的姓名',
  'offline.email': '电子邮箱',
  'offline.message': '留言内容',
  'offline.submit': '提交留言',
  'offline.sent': '谢谢！我们已收到您的留言，客服上线后会尽快回复。',
  'offline.contactName': '姓名：{name}',
  'offline.contactEmail': '邮箱：{email}',
  'error.start': '无法开始聊天，请重试。',
  'error.retry': '重试',
  'error.tooLong': '消息太长了。',
};

export const DICTIONARIES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = {
  en,
  'zh-CN': zhCN,
};

/** The text of `key` in `lang` with `{placeholders}` filled in; unknown placeholders stay as they are. */
export function translate(
  lang: Lang,
  key: MessageKey,
  vars: Readonly<Record<string, string | number>> = {},
): string {
  return DICTIONARIES[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

/** A translate function bound to one language. */
export type Translate = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

export function translator(lang: Lang): Translate {
  return (key, vars) => translate(lang, key, vars);
}

/**
 * The widget's language for a tag such as `zh`, `zh-Hans-CN` or `en-GB`: any Chinese tag is zh-CN, any
 * English one en; undefined for the rest (the caller tries its next source).
 */
export function supportedLang(tag: string | null | undefined): Lang | undefined {
  const t = (tag ?? '').trim().toLowerCase();
  if (t === 'zh' || t.startsWith('zh-') || t.startsWith('zh_')) return 'zh-CN';
  if (t === 'en' || t.startsWith('en-') || t.startsWith('en_')) return 'en';
  return undefined;
}

/** data-lang first, then `<html lang>`, then the browser's languages; English when none is supported. */
export function resolveLang(
  dataLang: string | undefined,
  htmlLang: string | undefined,
  browserLangs: readonly string[],
): Lang {
  for (const tag of [dataLang, htmlLang, ...browserLangs]) {
    const lang = supportedLang(tag);
    if (lang !== undefined) return lang;
  }
  return 'en';
}
