/** Every string the console shows, in English and Simplified Chinese. `{name}` marks a value filled in. */

export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

const en = {
  'app.title': 'Switchboard Console',
  'lang.switch': '中文',
  'lang.switchLabel': 'Switch language to Chinese',

  'login.title': 'Sign in to the agent console',
  'login.tenant': 'Workspace',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.badCredentials': 'Wrong email or password.',
  'login.failed': 'Sign-in failed: {detail}',
  'login.expired': 'Your session has expired. Please sign in again.',

  'nav.inbox': 'Inbox',
  'nav.admin': 'Admin',
  'nav.logout': 'Log out',
  'nav.signedInAs': 'Signed in as {name} ({role})',

  'role.agent': 'agent',
  'role.supervisor': 'supervisor',
  'role.admin': 'admin',

  'status.label': 'Your status',
  'status.online': 'Online',
  'status.away': 'Away',
  'status.offline': 'Offline',

  'notify.enable': 'Enable notifications',
  'notify.enableTitle': 'Show a desktop notification when a conversation is offered to you',
  'notify.enabled': 'Notifications on',
  'notify.newConversation': 'New conversation',
  'notify.offerBody': '{name} is waiting for you.',

  'search.placeholder': 'Search messages…',
  'search.label': 'Search message history',
  'search.searching': 'Searching…',
  'search.results': '{count} results for “{q}”',
  'search.oneResult': '1 result for “{q}”',
  'search.none': 'No messages match “{q}”.',
  'search.clear': 'Clear search',
  'search.note': 'Note',

  'tabs.mine': 'Mine',
  'tabs.queue': 'Queue',
  'tabs.all': 'All',
  'tabs.closed': 'Closed',
  'list.label': 'Conversations',
  'list.emptyMine': 'No conversations yet. New ones appear here when they are assigned to you.',
  'list.emptyAll': 'No open conversations.',
  'list.emptyClosed': 'No closed conversations yet.',
  'list.loading': 'Loading…',
  'list.refresh': 'Refresh',
  'list.you': 'You: ',
  'list.notePrefix': 'Note: ',
  'list.noMessages': 'No messages loaded yet',
  'list.offered': 'Offered to you',
  'list.unread': '{count} unread',

  'queue.offered': 'Offered to you',
  'queue.empty': 'Nobody is waiting in your queues.',
  'queue.noSnapshot': 'Waiting for the queue…',
  'queue.waiting': 'waiting {time}',
  'queue.eta': 'ETA {time}',
  'queue.manual': 'Manual pick',
  'queue.online': '{count} online · {free} free',
  'queue.pick': 'Pick',

  'state.waiting': 'Waiting',
  'state.bot': 'Bot',
  'state.queued': 'Queued',
  'state.assigned': 'Offered',
  'state.chatting': 'Chatting',
  'state.transferring': 'Transferring',
  'state.closed': 'Closed',

  'sender.visitor': 'Visitor',
  'sender.agent': 'Agent',
  'sender.bot': 'Bot',
  'sender.system': 'System',
  'sender.you': 'You',

  'action.accept': 'Accept',
  'action.transfer': 'Transfer',
  'action.close': 'Close',
  'action.confirmClose': 'Confirm close',
  'action.takeOver': 'Take over',
  'action.back': 'Back',
  'action.showDetails': 'Show details',
  'action.hideDetails': 'Hide details',

  'chat.empty': 'No conversation selected',
  'chat.emptyHint': 'Conversations assigned to you appear under Mine; the Queue shows who is waiting.',
  'chat.loadingOlder': 'Loading earlier messages…',
  'chat.loadOlder': 'Load earlier messages',
  'chat.beginning': 'Start of the conversation',
  'chat.loading': 'Loading messages…',
  'chat.loadFailed': 'Could not load the messages: {detail}',
  'chat.newMessages': 'New messages ↓',
  'chat.read': 'Read',
  'chat.sending': 'Sending…',
  'chat.failed': 'Not sent',
  'chat.retry': 'Retry',
  'chat.typing': '{name} is typing…',
  'chat.noteLabel': 'Note · only agents see this',
  'chat.readOnly': 'Read-only history',
  'chat.closed': 'This conversation is closed.',
  'chat.notYours': 'This conversation is with {agent}. You can add private notes.',
  'chat.unassigned': 'This conversation is not assigned to you. You can add private notes.',
  'chat.offered': 'This conversation is offered to you: accept it, or just reply.',
  'chat.transferring': 'Being transferred. You keep it until someone accepts.',
  'chat.today': 'Today',
  'chat.yesterday': 'Yesterday',

  'composer.reply': 'Reply',
  'composer.note': 'Note',
  'composer.placeholder': 'Type a reply… ("/" for canned replies)',
  'composer.notePlaceholder': 'Write a private note… only agents see it',
  'composer.send': 'Send',
  'composer.addNote': 'Add note',
  'composer.hint': 'Enter to send · Shift+Enter for a new line',
  'composer.label': 'Message',

  'canned.title': 'Canned replies',
  'canned.none': 'No canned reply starts with “/{query}”.',
  'canned.shared': 'shared',
  'canned.hint': '↑↓ choose · Enter or Tab insert · Esc close',

  'labels.title': 'Labels',
  'labels.add': 'Add a label…',
  'labels.remove': 'Remove label {label}',
  'labels.none': 'No labels',

  'transfer.title': 'Transfer conversation',
  'transfer.toAgent': 'To an agent',
  'transfer.toGroup': 'To a group',
  'transfer.agent': 'Agent',
  'transfer.group': 'Group',
  'transfer.choose': 'Choose…',
  'transfer.note': 'Note for whoever takes it (optional, only agents see it)',
  'transfer.submit': 'Transfer',
  'transfer.cancel': 'Cancel',
  'transfer.done': 'Transfer to {target} requested.',

  'context.title': 'Details',
  'context.visitor': 'Visitor',
  'context.name': 'Name',
  'context.email': 'Email',
  'context.page': 'Page',
  'context.referrer': 'Referrer',
  'context.browser': 'Browser',
  'context.language': 'Language',
  'context.fields': 'Custom fields',
  'context.conversation': 'Conversation',
  'context.id': 'ID',
  'context.state': 'State',
  'context.group': 'Group',
  'context.channel': 'Channel',
  'context.agent': 'Agent',
  'context.opened': 'Opened',
  'context.closedAt': 'Closed',
  'context.csat': 'Rating',
  'context.csatScore': '{score} / 5',
  'context.previous': 'Previous conversations',
  'context.noPrevious': 'No previous conversations.',
  'context.loading': 'Loading details…',
  'context.none': '—',

  'conn.connecting': 'Connecting…',
  'conn.reconnecting': 'Connection lost. Reconnecting… (attempt {attempt})',
  'conn.retryNow': 'Retry now',
  'conn.closed': 'Disconnected: {reason}',
  'conn.reconnect': 'Reconnect',
  'conn.offline': 'You are offline: no conversations are offered to you.',
  'conn.goOnline': 'Go online',

  'toast.dismiss': 'Dismiss',
  'error.generic': 'Something went wrong: {detail}',
  'error.notConnected': 'Not connected yet. Try again in a moment.',
} as const;

export type MessageKey = keyof typeof en;
export type Dictionary = Readonly<Record<MessageKey, string>>;

const zhCN: Dictionary = {
  'app.title': 'Switchboard 客服工作台',
  'lang.switch': 'English',
  'lang.switchLabel': '切换为英文界面',

  'login.title': '登录客服工作台',
  'login.tenant': '工作区',
  'login.email': '邮箱',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.badCredentials': '邮箱或密码错误。',
  'login.failed': '登录失败：{detail}',
  'login.expired': '登录已过期，请重新登录。',

  'nav.inbox': '收件箱',
  'nav.admin': '管理',
  'nav.logout': '退出登录',
  'nav.signedInAs': '当前登录：{name}（{role}）',

  'role.agent': '客服',
  'role.supervisor': '主管',
  'role.admin': '管理员',

  'status.label': '我的状态',
  'status.online': '在线',
  'status.away': '离开',
  'status.offline': '离线',

  'notify.enable': '开启通知',
  'notify.enableTitle': '有会话分配给您时显示桌面通知',
  'notify.enabled': '通知已开启',
  'notify.newConversation': '新会话',
  'notify.offerBody': '{name} 正在等待您接入。',

  'search.placeholder': '搜索消息…',
  'search.label': '搜索历史消息',
  'search.searching': '正在搜索…',
  'search.results': '“{q}”共 {count} 条结果',
  'search.oneResult': '“{q}”共 1 条结果',
  'search.none': '没有与“{q}”匹配的消息。',
  'search.clear': '清除搜索',
  'search.note': '备注',

  'tabs.mine': '我的',
  'tabs.queue': '排队',
  'tabs.all': '全部',
  'tabs.closed': '已结束',
  'list.label': '会话列表',
  'list.emptyMine': '暂无会话。分配给您的新会话会显示在这里。',
  'list.emptyAll': '没有进行中的会话。',
  'list.emptyClosed': '还没有已结束的会话。',
  'list.loading': '加载中…',
  'list.refresh': '刷新',
  'list.you': '我：',
  'list.notePrefix': '备注：',
  'list.noMessages': '尚未加载消息',
  'list.offered': '待接入',
  'list.unread': '{count} 条未读',

  'queue.offered': '分配给您的会话',
  'queue.empty': '您的队列中没有人在等待。',
  'queue.noSnapshot': '正在获取排队信息…',
  'queue.waiting': '已等待 {time}',
  'queue.eta': '预计 {time}',
  'queue.manual': '手动接入',
  'queue.online': '{count} 人在线 · {free} 个空位',
  'queue.pick': '接入',

  'state.waiting': '等待中',
  'state.bot': '机器人',
  'state.queued': '排队中',
  'state.assigned': '待接入',
  'state.chatting': '会话中',
  'state.transferring': '转接中',
  'state.closed': '已结束',

  'sender.visitor': '访客',
  'sender.agent': '客服',
  'sender.bot': '机器人',
  'sender.system': '系统',
  'sender.you': '我',

  'action.accept': '接入',
  'action.transfer': '转接',
  'action.close': '结束会话',
  'action.confirmClose': '确认结束',
  'action.takeOver': '接管',
  'action.back': '返回',
  'action.showDetails': '显示详情',
  'action.hideDetails': '隐藏详情',

  'chat.empty': '未选择会话',
  'chat.emptyHint': '分配给您的会话显示在“我的”中；“排队”显示正在等待的访客。',
  'chat.loadingOlder': '正在加载更早的消息…',
  'chat.loadOlder': '加载更早的消息',
  'chat.beginning': '会话开始',
  'chat.loading': '正在加载消息…',
  'chat.loadFailed': '无法加载消息：{detail}',
  'chat.newMessages': '新消息 ↓',
  'chat.read': '已读',
  'chat.sending': '发送中…',
  'chat.failed': '发送失败',
  'chat.retry': '重试',
  'chat.typing': '{name} 正在输入…',
  'chat.noteLabel': '备注 · 仅客服可见',
  'chat.readOnly': '只读历史记录',
  'chat.closed': '此会话已结束。',
  'chat.notYours': '此会话由 {agent} 负责。您可以添加内部备注。',
  'chat.unassigned': '此会话未分配给您。您可以添加内部备注。',
  'chat.offered': '此会话已分配给您：请接入，或直接回复。',
  'chat.transferring': '正在转接。在有人接入之前，会话仍由您负责。',
  'chat.today': '今天',
  'chat.yesterday': '昨天',

  'composer.reply': '回复',
  'composer.note': '备注',
  'composer.placeholder': '输入回复…（输入“/”使用快捷回复）',
  'composer.notePlaceholder': '写一条内部备注…仅客服可见',
  'composer.send': '发送',
  'composer.addNote': '添加备注',
  'composer.hint': 'Enter 发送 · Shift+Enter 换行',
  'composer.label': '消息',

  'canned.title': '快捷回复',
  'canned.none': '没有以“/{query}”开头的快捷回复。',
  'canned.shared': '共享',
  'canned.hint': '↑↓ 选择 · Enter 或 Tab 插入 · Esc 关闭',

  'labels.title': '标签',
  'labels.add': '添加标签…',
  'labels.remove': '移除标签 {label}',
  'labels.none': '无标签',

  'transfer.title': '转接会话',
  'transfer.toAgent': '转给客服',
  'transfer.toGroup': '转给分组',
  'transfer.agent': '客服',
  'transfer.group': '分组',
  'transfer.choose': '请选择…',
  'transfer.note': '给接手人的备注（可选，仅客服可见）',
  'transfer.submit': '转接',
  'transfer.cancel': '取消',
  'transfer.done': '已发起转接至 {target}。',

  'context.title': '详情',
  'context.visitor': '访客',
  'context.name': '姓名',
  'context.email': '邮箱',
  'context.page': '当前页面',
  'context.referrer': '来源',
  'context.browser': '浏览器',
  'context.language': '语言',
  'context.fields': '自定义字段',
  'context.conversation': '会话',
  'context.id': '编号',
  'context.state': '状态',
  'context.group': '分组',
  'context.channel': '渠道',
  'context.agent': '客服',
  'context.opened': '开始时间',
  'context.closedAt': '结束时间',
  'context.csat': '满意度评价',
  'context.csatScore': '{score} / 5',
  'context.previous': '历史会话',
  'context.noPrevious': '没有历史会话。',
  'context.loading': '正在加载详情…',
  'context.none': '—',

  'conn.connecting': '正在连接…',
  'conn.reconnecting': '连接已断开，正在重连…（第 {attempt} 次）',
  'conn.retryNow': '立即重试',
  'conn.closed': '已断开连接：{reason}',
  'conn.reconnect': '重新连接',
  'conn.offline': '您已离线：系统不会为您分配会话。',
  'conn.goOnline': '上线',

  'toast.dismiss': '关闭',
  'error.generic': '出错了：{detail}',
  'error.notConnected': '尚未连接，请稍后再试。',
};

export const DICTIONARIES: Readonly<Record<Lang, Dictionary>> = { en, 'zh-CN': zhCN };

export type Vars = Readonly<Record<string, string | number>>;

/** The string for a key in a language, with `{name}` placeholders filled (a missing value stays visible). */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = DICTIONARIES[lang][key];
  if (vars === undefined) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined ? whole : String(v);
  });
}

/** The placeholders a string uses, sorted (the parity test compares them across languages). */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/** The first supported language of the browser's list: any `zh` is zh-CN, everything else English. */
export function detectLang(languages: readonly string[]): Lang {
  for (const tag of languages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function isLang(v: unknown): v is Lang {
  return v === 'en' || v === 'zh-CN';
}

/** BCP 47 locale for dates and numbers. */
export function localeOf(lang: Lang): string {
  return lang === 'zh-CN' ? 'zh-CN' : 'en-GB';
}
