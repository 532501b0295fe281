/**
 * Generated training messages for the spam model: templates of the common genres of bulk SMS and
 * e-mail, and of genuine SMS and mail, filled from slot lists by a seeded generator, so the model
 * sees the same genre in many wordings, lengths and styles (capitals, text-speak, subject lines,
 * removal footers). Written for this project from general knowledge of the genres; not derived
 * from any public dataset. All names, numbers and addresses are made up (example.* domains).
 */
import { rng } from "./classifier.ts";

type Slots = Record<string, string[]>;

const SLOTS: Slots = {
  amount: ["£250", "£500", "£1000", "£2,000", "$750", "$1,500", "$5000", "€800", "£100", "£350"],
  prize: [
    "a 7-night holiday for two",
    "the latest smartphone",
    "a £500 shopping voucher",
    "a widescreen TV",
    "£1000 cash",
    "a weekend city break",
    "a games console",
    "VIP concert tickets",
    "a brand new tablet",
    "a year of free cinema tickets",
  ],
  code: ["85233", "61779", "88066", "63021", "69812", "80154", "87575", "62468", "83338"],
  keyword: ["WIN", "CLAIM", "GO", "PLAY", "YES", "PRIZE", "TONE", "CHAT", "DATE", "VIP", "JOIN"],
  premium: [
    "09061 770 442",
    "09050 002 318",
    "0906 617 4433",
    "09094 551 227",
    "0871 872 6611",
    "0870 241 5580",
    "09012 331 908",
  ],
  rate: [
    "150p/min",
    "£1.50 per min",
    "25p per msg",
    "£3/wk",
    "50p per txt",
    "£4.50 per week",
    "1.50/msg",
    "10p/min from a BT landline",
    "60p/min, mobiles may vary",
  ],
  age: ["18+", "16+", "over 18s only", "18 or over"],
  pobox: ["PO Box 4417 W1 8XZ", "PO Box 882, LS6 3QT", "Box 57, M14 4PP", "PO Box 10-203"],
  ref: ["ref X33", "code K921", "ref 2217", "claim code P47", "ID 88-AB", "pin 3309"],
  url: [
    "http://bit.ly/3xWinNow",
    "http://prize-centre.example.biz/claim",
    "www.mega-deals.example.info",
    "http://tinyurl.com/y7vq2k",
    "http://192.0.2.45/secure/login",
    "http://account-verify.example.top/id",
    "www.hot-offers.example.cc",
    "http://cutt.ly/fastcash",
    "http://rewards-now.example.xyz/?id=77812",
    "http://www.best-price-rx.example.ru",
  ],
  brand: [
    "your bank",
    "the Post Office",
    "HMRC",
    "Amazon",
    "PayPal",
    "Royal Mail",
    "DHL",
    "Netflix",
  ],
  parcel: ["Royal Mail", "DHL", "EVRi", "the courier", "UPS", "FedEx", "Parcelforce"],
  fee: ["£1.45", "£2.99", "$1.99", "£0.99", "€1.75", "$3.00"],
  drug: [
    "Viagra",
    "Cialis",
    "Levitra",
    "Xanax",
    "Valium",
    "Phentermine",
    "Soma",
    "Tramadol",
    "Propecia",
  ],
  product: [
    "Rolex watches",
    "designer handbags",
    "printer ink",
    "Microsoft Office",
    "Adobe Photoshop",
    "Windows XP Pro",
    "Louis Vuitton bags",
    "Oakley sunglasses",
    "cigarettes",
    "DVD movies",
  ],
  stock: ["QMTX", "BRLG", "ZNTH", "PWRX", "CGLD", "VTAL", "HXON", "MRGN"],
  industry: [
    "oil and gas",
    "homeland security",
    "biotech",
    "wireless technology",
    "gold mining",
    "nanotech",
  ],
  country: ["Nigeria", "Sierra Leone", "Ghana", "Ivory Coast", "Benin", "Togo", "Burkina Faso"],
  sum: ["US$15.5M", "$24,600,000", "USD 10,500,000", "$8.3 million", "£12 million", "EUR 9.2M"],
  title: ["Barrister", "Dr.", "Prince", "Mrs.", "Engr.", "Chief", "Hon."],
  surname: ["Adeyemi", "Kabore", "Mensah", "Diallo", "Okafor", "Traore", "Bello", "Koroma"],
  first: ["Sam", "Jo", "Priya", "Tom", "Aisha", "Ben", "Mei", "Raj", "Lucy", "Dan", "Kemi", "Nick"],
  place: [
    "the pub",
    "the station",
    "the cafe",
    "uni",
    "the gym",
    "mum's",
    "the library",
    "work",
    "the market",
    "the car park",
  ],
  time: ["6", "7:30", "half 8", "noon", "10ish", "after lunch", "tonight", "2moro morning", "5pm"],
  food: ["pizza", "curry", "noodles", "sushi", "chips", "a kebab", "dinner", "breakfast"],
  thing: ["charger", "keys", "umbrella", "jacket", "wallet", "book", "laptop", "headphones"],
  project: ["libfoo", "mailtool", "the kernel", "spamfilter", "gnome-panel", "rpmbuild", "razor"],
  version: ["2.4.1", "0.9.3", "3.1", "1.0-rc2", "5.6.2", "2.0.18", "4.2"],
  company: ["Northwind", "Bluepeak", "Contoso", "Fabrikam", "Tailspin", "Lakeshore", "Acme"],
  mob: ["07700 900412", "07700900877", "07700 900 163", "07700900539", "07700-900-281"],
  track: [
    "http://click.offers-hub.example.biz/c?u=8812&e=44719&l=3",
    "http://track.mailer.example.info/cgi-bin/r.cgi?id=77a9f2&m=12&src=nl",
    "http://www.best-deal.example.ws/go.asp?aff=QX12&sub=9931",
    "http://198.51.100.23/~promo/index.html?ref=2291",
    "http://r.bulk-sender.example.top/t/3f9a0c1d7e?c=51",
    "http://%77%77%77.cheap-now.example.cc/in/",
    "http://members.free-host.example.net/~deals4u/order.htm",
    "http://redir.example.xyz/?r=aHR0cDovL3NhbGU&k=881",
  ],
  nlurl: [
    "http://news.example.com/story?id=20931&src=newsletter",
    "http://click.example.com/Click?q=4a-Zr81kQw2mLp0sTy",
    "http://www.example.org/weekly/issue212.html",
    "http://lists.example.com/options?u=member&l=weekly",
    "http://shop.example.com/deals?utm_source=email&utm_campaign=july",
    "http://www.example.net/go/item?sku=55120&ref=nl",
  ],
  sign: ["ARIES", "LEO", "VIRGO", "TAURUS", "PISCES", "LIBRA"],
};

/** Fills {slot} placeholders; {a|b|c} picks one alternative. */
function fill(tpl: string, pick: <T>(xs: T[]) => T): string {
  return tpl
    .replace(/\{([a-z]+)\}/g, (m, k: string) => (SLOTS[k] ? pick(SLOTS[k]) : m))
    .replace(/\{([^{}]*\|[^{}]*)\}/g, (_, alts: string) => pick(alts.split("|")));
}

const TEXTSPEAK: Array<[RegExp, string]> = [
  [/\byou\b/gi, "u"],
  [/\byour\b/gi, "ur"],
  [/\bto\b/gi, "2"],
  [/\bfor\b/gi, "4"],
  [/\bare\b/gi, "r"],
  [/\btext\b/gi, "txt"],
  [/\bplease\b/gi, "pls"],
  [/\btonight\b/gi, "2nite"],
  [/\btomorrow\b/gi, "2moro"],
  [/\bmessage\b/gi, "msg"],
  [/\bgreat\b/gi, "gr8"],
  [/\bbefore\b/gi, "b4"],
];

function textSpeak(s: string): string {
  let out = s;
  for (const [re, to] of TEXTSPEAK) out = out.replace(re, to);
  return out;
}

/** Bulk SMS genres (premium-rate, prizes, tones, chat, phishing, loans, jobs, crypto). */
const SPAM_SMS = [
  "{Congratulations|CONGRATS|Urgent}! {You have|You've|Your mobile number has} won {prize}. {Call|Ring} {premium} {now|today} {quoting|with} {ref}. {rate}. {age}",
  "{FREE|Free} entry into our weekly {draw|competition} to win {prize}! {Text|Send} {keyword} to {code} to enter. {rate}, {age}. {pobox}",
  "You are {guaranteed|awarded|due} a {amount} {bonus|cash award|reward} or {prize}. To claim call {premium} before {midnight|Friday|the deadline}. {rate}",
  "Your {number|mobile|line} has been {selected|picked|chosen} in our {monthly|annual|network} {prize draw|lucky draw|loyalty draw}. Reply {keyword} to {code} to find out what you've won. {rate}",
  "{Fancy|Want} a {flirt|chat|date} {tonight|this weekend}? {Local|Real} {singles|girls|guys} are waiting to {meet|talk to} you. Text {keyword} to {code}. {rate} {age}",
  "Someone {fancies|has a crush on|is thinking about} you! To find out who, {text|reply} {keyword} to {code} or call {premium}. {rate}",
  "{Get|Grab} the {hottest|latest|top 10} {ringtones|polyphonic tones|wallpapers|games} for your {phone|mobile} every week! Text {keyword} to {code}. Subscription {rate} until you send STOP.",
  "Thanks for {joining|subscribing to} our {tones|games|video} club! Your {mobile|phone} will be charged {rate}. To {cancel|unsubscribe} send STOP to {code}. {Help|Helpline} {premium}",
  "Your {content|download|tone} is {ready|waiting}. {Go to|Visit} {url} to {get|download} it. You have been charged {fee}. {Send|Text} STOP to {code} to end.",
  "{Free|FREE} {camera phone|colour phone|flip phone|handset} with {line rental|a new contract} from {fee}/month plus {500|750|1000} free {minutes|texts}! Call {premium} or reply {keyword}. {Delivered free|Free delivery} {tomorrow|this week}.",
  "{Your|Ur} {mobile|contract} is due for an upgrade. {Claim|Get} {the latest|a new} {smartphone|camera phone} {free|for nothing} + {double minutes|unlimited texts}. Call {premium} {now|free}.",
  "{Urgent|IMPORTANT}: we tried to {contact|reach} you {re|about} your {reward|prize|award}. This is our {2nd|final|last} attempt. Call {premium} {ref}. {rate}",
  "{URGENT|Alert}: your {bank|card|account} has been {locked|suspended|put on hold} due to {suspicious|unusual} activity. {Verify|Confirm} your details at {url} to {restore access|avoid closure}.",
  "{parcel}: your {parcel|package|delivery} could not be delivered {due to|because of} an unpaid {fee|shipping fee|customs charge} of {fee}. {Pay|Reschedule} {here|now}: {url}",
  "{brand}: you are {eligible|due} for a {tax refund|rebate|refund} of {amount}. {Claim|Complete the form} {here|now} {url} within {24|48} hours.",
  "{Need|Short of} cash? {Borrow|Get} up to {amount} {today|in minutes}, no credit checks, {bad credit OK|all credit considered}. Reply {keyword} to {code} {or visit|or go to} {url}",
  "{Earn|Make} {£300|$500|£150} a day {working from home|from your phone|in your spare time}! No experience needed. {Text|WhatsApp} {keyword} to {code} to {start|apply} {today|now}.",
  "{Hi|Hello}, {we|our recruitment team} {saw|found} your {CV|profile} online. {Part-time|Remote} job, {£200|$300|€250}-{£800|$900|€600} per day, {flexible hours|just 1 hour a day}. {Contact|Message} us on WhatsApp {url}",
  "{Invest|Put} {$250|£200|€100} in {bitcoin|crypto|our trading bot} and {earn|make} {$3,000|£2,500|5x} in {a week|7 days|days}! {Guaranteed|100%} {profit|returns}. {Join|Sign up}: {url}",
  "{You have|You've got} {1|2|3} new {voicemail|picture message|video message}{s|} {waiting|from a friend}. To {listen|view} {call|dial} {premium}. {rate}",
  "{Quiz|Trivia} time! {Answer|Reply with the answer} {correctly|right} and {win|collect} {amount}. Q1: what is the capital of {France|Italy|Spain}? Text {keyword} {A|B} to {code}. {rate}",
  "{Bid|Auction} update: the {top|leading} bid for {prize} is {£45|£120|£72}. To {raise|place} your bid text {keyword} to {code}. {rate} {age}",
  "{Dear|Valued} customer, your {account|SIM} has {420|800|1200} {unused|unclaimed} bonus points worth {amount}. Call {premium} {now|before they expire}. {ref}",
  "{Last chance|Hurry}! {2-4-1|2 for 1|Half price} {tickets|deals|meals} {this weekend|tonight only}. {Text|Reply} {keyword} to {code} to {book|get your code}. {rate}",
  "{Hey|Hi} {sexy|babe|gorgeous}, {I'm|im} {lonely|bored|home alone} {tonight|rite now}. {Text|Call} me {on|at} {premium} {for|4} a {naughty|dirty|hot} chat. {rate} {age}",
  "{Cheap|Discount} {international|overseas} calls {from|at} {1p|2p|3p} a minute! {Dial|Call} {premium} {before|then} your number. No {contract|sign up} needed.",
  "{You|U} {have been|hav bin} {chosen|selected} to receive a {free|FREE} {holiday|cruise|shopping spree}! {Call|Ring} {premium} {to claim|now}. {pobox} {rate}",
];

/** Bulk e-mail genres: subject line, then body built from sentence pools. */
const SPAM_MAIL: Array<{ subject: string[]; body: string[] }> = [
  {
    subject: [
      "{Lowest|Best|Record low} mortgage rates {in years|ever|this month}",
      "Refinance {now|today} and save {$400|$650|$1,200} a month",
      "{Adv|ADV}: {Home|Mortgage} loan quotes {fast|in minutes}, no cost",
      "{You're|You are} pre-approved",
    ],
    body: [
      "{Dear homeowner|Attention homeowners|Hello}, {interest rates|rates} are at {their lowest|an all-time low} {point|level}.",
      "{Lenders|Our lenders|Hundreds of banks} {compete|are competing} for your {loan|business}, {even with|regardless of} {bad|poor|less than perfect} credit.",
      "{Refinance|Consolidate your debt|Get cash out} and {lower your monthly payments|save thousands|cut your payments in half}.",
      "{Fill out|Complete} our {short|1-minute|free} {form|application} {and get|for} {a free quote|multiple offers} {with no obligation|in 24 hours}: {url}",
      "{Rates from|As low as} {3.25%|2.9%|4.1%} {APR|fixed}. {No fees|No closing costs|No points}.",
    ],
  },
  {
    subject: [
      "{Cheap|Discount|Generic} {drug} {online|without prescription}",
      "{Your|The} {pharmacy|meds} {order|shipment}",
      "{Save|Up to} {70%|80%|90%} on {prescription drugs|medication}",
      "{drug} {$0.99|$1.25|$2} per {pill|dose}",
    ],
    body: [
      "{Buy|Order} {drug}, {drug} and {drug} {online|from our online pharmacy} {without a prescription|with no doctor visit}.",
      "{Discreet|Fast|Overnight} {shipping|delivery} {worldwide|to your door}. {Lowest prices|Best prices} {guaranteed|on the web}.",
      "{FDA approved|Licensed doctors|Brand quality} {generics|meds}. {No|Zero} {embarrassing|awkward} {questions|doctor visits}.",
      "{Visit|Go to|Click} {url} {now|today}. {Limited stock|Special offer ends soon}.",
      "{Increase|Boost} your {stamina|performance|confidence} {today|tonight}!",
    ],
  },
  {
    subject: [
      "{STOCK ALERT|Hot stock pick|Investor alert}: {stock} {set to soar|about to explode|undervalued}",
      "{This|One} {small cap|penny stock} {could|will} {triple|double} {this week|by Friday}",
      "{Breaking|Urgent} news: {stock} {merger|acquisition|contract} announced",
    ],
    body: [
      "{stock} (OTC: {stock}) is a {industry} company {trading at|priced at} {$0.12|$0.35|$0.08} a share.",
      "{Our analysts|Analysts} {rate it a STRONG BUY|expect a price target of $1.50|see 300% upside} {in the short term|within days}.",
      "{Get in|Buy} {now|before the news breaks|before Monday} {while it is cheap|before the big announcement}.",
      "{This newsletter|This report} {is a paid advertisement|was paid for by a third party}. {Forward-looking statements|Investing involves risk}.",
      "{Watch|Watch this stock} {Monday|tomorrow} {morning|at the open}!",
    ],
  },
  {
    subject: [
      "{Urgent|URGENT} {business proposal|assistance needed|and confidential}",
      "{From|Attn}: {title} {surname}",
      "{Request for|Seeking your} {partnership|cooperation|help}",
      "{Dear friend|My dear}",
    ],
    body: [
      "I am {title} {surname}, {a bank manager|an attorney|the son of the late minister|a widow} in {country}.",
      "I {seek|humbly seek|need} your {assistance|cooperation|help} to {transfer|move} the sum of {sum} {out of the country|to a foreign account}.",
      "You will {receive|be entitled to} {20%|30%|35%} {of the total sum|for your assistance}. {This transaction is 100% risk free|All documents are legal}.",
      "{Please|Kindly} {reply|send} {your full name, phone number and bank details|your private telephone number} {in strict confidence|urgently}.",
      "{God bless you|Thank you and God bless|Best regards}. {title} {surname}.",
    ],
  },
  {
    subject: [
      "{Work|Earn money} from home",
      "{Make|Earn} {$5,000|$10,000|$2,500} {a week|a month} {from home|part time}",
      "{Financial freedom|Be your own boss} {starts today|in 90 days}",
      "{The information you requested|Your free report}",
    ],
    body: [
      "{Are you|Tired of} {tired of|working for} {your boss|the 9 to 5|living paycheck to paycheck}?",
      "{Our|This} {proven|simple|turnkey} {system|home business|program} {lets you|shows you how to} {earn|make} {$3,000|$5,000|$1,000} {a week|per month} {from home|in your spare time}.",
      "{No experience|No selling|No risk} {required|needed}. {Thousands of people|Ordinary people} {are already|have started} {earning|making money}.",
      "{Reply|Send an email} with {INFO|MORE} in the subject {line|} {for|to receive} {a free report|details}, or visit {url}.",
      "{This is not MLM|This is not a pyramid|Residual income for life}!",
    ],
  },
  {
    subject: [
      "{Get|Increase} {traffic|visitors} to your {website|site}",
      "{Top|#1|First page} {Google|search engine} {rankings|placement} {guaranteed|in 30 days}",
      "{Email|Bulk} {lists|marketing} {that works|for your business}",
      "{Website|Web design} {proposal|offer}",
    ],
    body: [
      "{Dear|Hello} {website owner|webmaster|business owner}, {I|we} {visited|reviewed} your {site|website} and {noticed|found} {it is not ranking|several problems}.",
      "{We|Our team} {can|will} {submit your site to|get you listed on} {300|thousands of} {search engines|directories} {for one low price|for only $49}.",
      "{Reach|Send your ad to} {millions of|5 million} {email addresses|targeted prospects} {with our software|with our opt-in lists}.",
      "{Results guaranteed|100% satisfaction} {or your money back|or you don't pay}. {Reply|Call} {today|now} for a {free analysis|free quote}.",
      "{We also offer|We specialise in} {web design|SEO|hosting|lead generation} {at unbeatable prices|from $99}.",
    ],
  },
  {
    subject: [
      "{Replica|Luxury|Swiss} {watches|bags} {at 90% off|from $99}",
      "{Cheap|OEM|Discount} {software|product}",
      "{product} {wholesale|at factory prices|clearance}",
    ],
    body: [
      "{Buy|Order} {product} and {product} {at up to 80% off|at wholesale prices|for a fraction of retail}.",
      "{Perfect|High quality|Exact} {replicas|copies} {nobody can tell apart|with free shipping|shipped worldwide}.",
      "{OEM|Full version} software {download|CD} {instantly|today}: {save|pay only} {$49|$79} instead of {$599|$899}.",
      "{Visit our store|Shop now|Order today} {at|:} {url}",
      "{Limited stock|Sale ends Sunday|Offer valid while supplies last}!",
    ],
  },
  {
    subject: [
      "{Lose|Drop} {20|30|15} {lbs|pounds|kg} in {30 days|2 weeks}",
      "{New|Miracle|Doctor-approved} {diet pill|fat burner|formula}",
      "{Look|Feel} {10|20} years younger",
    ],
    body: [
      "{Our|This} {all-natural|herbal|clinically proven} {formula|supplement|patch} {melts|burns} {fat|belly fat} {while you sleep|without dieting}.",
      "{No diet|No exercise|No hunger}. {Thousands|Millions} of {satisfied customers|happy users} {lost|dropped} {weight|pounds} {fast|in weeks}.",
      "{Order|Try it} {now|today} and {get|receive} a {free bottle|free trial|second bottle free}. {Money back guarantee|100% guaranteed}.",
      "{Click|Visit} {url} {to order|for details}.",
    ],
  },
  {
    subject: [
      "{Hot|Wild|Free} {adult|XXX} {videos|pics|membership}",
      "{Lonely|Bored} {wives|singles} {in your area|near you}",
      "{Your free access|Free lifetime membership|Password inside}",
    ],
    body: [
      "{See|Watch} {hot|naughty|wild} {girls|teens|amateurs} {live on webcam|uncensored} {now|tonight}.",
      "{Free|FREE} {lifetime|3-day} {membership|access} to {our|15} {adult|XXX} sites. {No credit card needed|Just sign up}.",
      "{Meet|Chat with} {local|real} {singles|women} {looking for fun|tonight}. {age} {only|}.",
      "{Click here|Enter} {url}",
      "{You must be 18|Adults only}. {To be removed|To unsubscribe} {reply with REMOVE|click here}.",
    ],
  },
  {
    subject: [
      "{Online|Live} casino: {$500|200 free spins|100% bonus} {welcome bonus|for new players}",
      "{Win|Play} {big|now} at {our|the #1} {casino|sportsbook}",
    ],
    body: [
      "{Sign up|Register} {today|now} and {get|receive} {a $500 bonus|200 free spins|double your first deposit}.",
      "{Blackjack|Poker|Slots|Roulette} and {sports betting|live dealers} {24/7|from home}. {Fast payouts|Instant withdrawals}.",
      "{Play|Bet} {now|today} at {url}",
    ],
  },
  {
    subject: [
      "{University|College} {diploma|degree} {in weeks|without exams}",
      "{Get|Earn} your {MBA|Bachelor's|PhD} {based on life experience|fast}",
    ],
    body: [
      "{Obtain|Get} a {prestigious|genuine|verifiable} {degree|diploma} {from a non-accredited university|based on your life experience}.",
      "{No exams|No classes|No books}, {no study required|no attendance}. {Confidential|Discreet}.",
      "{Call|Contact} {us|our registrar} {24 hours|today} {for details|to apply}. {Leave your name and number|Reply now}.",
    ],
  },
  {
    subject: [
      "{Eliminate|Cut} your {debt|credit card debt}",
      "{Debt relief|Debt consolidation} {now|today}",
      "{Life|Health|Car} insurance quotes {in minutes|free}",
    ],
    body: [
      "{Drowning in|Struggling with} {debt|bills|credit card payments}? {We can|Our program will} {cut|reduce} your {payments|debt} {by up to 60%|in half}.",
      "{Compare|Get} {free|instant} {quotes|rates} from {top|leading} {insurers|lenders}. {No obligation|Free and confidential}.",
      "{Call|Apply} {toll free|now} at {1-888-555-0147|1-877-555-0163} or {visit|go to} {url}",
      "{This offer|This program} {is for|is only for} {US residents|homeowners}.",
    ],
  },
  {
    subject: [
      "{You've|You have} been {selected|chosen}",
      "{Claim|Collect} your {free gift|reward|prize}",
      "{Survey|Customer survey}: {win|get} a {$100|$500} {gift card|voucher}",
      "{Congratulations|Winner notification}",
    ],
    body: [
      "{Congratulations|Dear winner}! {Your email address|You} {has been|have been} {selected|randomly chosen} to receive {prize}.",
      "{Just|Simply} {complete|answer} {a short|our 3-question} survey {and|to} {claim|collect} {your reward|your gift card}.",
      "{Pay only|Just cover} the {shipping|handling} {fee|cost} of {fee}. {Offer expires|This offer ends} {in 24 hours|tonight}.",
      "{Click|Go to} {url} {now|to claim}.",
    ],
  },
  {
    subject: [
      "{Your account|Account} {has been suspended|is on hold|needs verification}",
      "{Security|Important} {alert|notice}: {unusual sign-in|verify your account}",
      "{Mailbox|Email} {quota|storage} {exceeded|full}",
    ],
    body: [
      "{Dear customer|Dear user|Valued member}, {we|our system} {detected|noticed} {unusual activity|a sign-in from a new device} on your {account|mailbox}.",
      "{To avoid|To prevent} {suspension|permanent closure|losing access}, {verify|confirm} your {identity|password|card details} {within 24 hours|immediately}.",
      "{Click|Log in at} {url} {to continue|to restore access}.",
      "{Failure to do so|If you do not respond} {will result in|means} {your account being closed|loss of your data}.",
    ],
  },
  {
    subject: [
      "{Unlimited|Free} {long distance|calling|minutes}",
      "{Cable|Satellite} TV {descrambler|filter}: watch {free|all channels}",
      "{Protect|Speed up} your {PC|computer|laptop}",
    ],
    body: [
      "{Switch|Sign up} {today|now} {and|to} {call|talk} {anywhere|all you want} for {one low flat rate|$19.95 a month|3 cents a minute}.",
      "{Watch|Get} {premium channels|pay-per-view|every movie} {free|for free} {with our filter|with this device} {for only $29.95|legally}.",
      "{Is your computer slow|Your PC may be infected}? {Download|Run} our {free scan|software} {now|today} {to fix errors|to remove spyware}.",
      "{Order|Click} {now|today}: {url}. {Satisfaction guaranteed|30-day money back guarantee}.",
    ],
  },
];

/** Removal/compliance footers of bulk mail. */
const SPAM_FOOTERS = [
  "To be removed from our mailing list, reply with REMOVE in the subject line.",
  "This email was sent in compliance with all applicable laws. If you no longer wish to receive our offers, click here.",
  "You are receiving this because you opted in at one of our partner sites. To opt out {url}",
  "This is a one-time mailing. We apologise if this reached you in error; send a blank email to remove@bulk.example.biz.",
  "**************************************** UNSUBSCRIBE: {url} ****************************************",
  "If you wish to be excluded from future mailings, please reply with 'remove' and we will delete your address.",
];

/** Genuine SMS: personal chat in various styles, codes and notices from services. */
const HAM_SMS = [
  "{Hey|Hi|Yo} {first}, {are|r} {you|u} {coming|still coming} to {place} {tonight|later|at {time}}?",
  "{Running|Gonna be} {late|a bit late}, {be there|there} in {10|15|20} {mins|minutes}. {Sorry|Soz}!",
  "{Can|Could} {you|u} {grab|pick up} {some|} {milk|bread|eggs} on the way {home|back}?",
  "{Ok|Okay|K} {see you|c u} at {time} then. {Don't|Dont} forget {the|ur} {thing}!",
  "{Lol|Haha} {that's|thats} {hilarious|so funny}. {Did|Wat did} {he|she} say {after|then}?",
  "{Left|Think I left} my {thing} at {place}, {can|could} {you|u} check {for me|when u get there}?",
  "{Just|Jus} got {home|back}. {So tired|Knackered}, {going to|gonna} {sleep|crash}. {Night|Nite} x",
  "{Fancy|Wanna} {grabbing|getting} {food} {tonight|later}? {My treat|I'm starving}.",
  "{Happy birthday|Happy bday} {first}!! {Hope|Hav} {you|u} {have|a} {an amazing|a great} day x",
  "{Missed|Sorry I missed} {your|ur} call, {was|I was} {in a meeting|driving|at {place}}. {Call|Ring} {you|u} back {in a bit|after {time}}.",
  "{Mum|Dad} says {dinner|tea} {is|at} {time}. {Bring|Don't forget} {the dessert|your washing|the kids}.",
  "{What|Wat} time {does|is} the {film|match|train|bus} {start|leave}? {I'll|Ill} meet {you|u} at {place}.",
  "{How|Hows} {was|the} {the interview|ur exam|the trip|work}? {Tell me|Txt me} {everything|later}!",
  "{I'm|Im} at {place}, {where|wer} {are|r} {you|u}?",
  "{Thanks|Thx|Cheers} {for|4} {today|last night|the lift}, {really|rly} {enjoyed it|appreciated it}.",
  "{Can't|Cant} {talk|come} {now|right now}, {I'll|i'll} {text|call} {you|u} {later|2nite}.",
  "{Shall|Should} {I|we} {book|get} {tickets|a table} for {Friday|Saturday|Sunday}? {It's|Its} {£12|£25|£8} each.",
  "{Your|Ur} {parcel|package} {is here|came}, {I|i} {put it|left it} {in the shed|with next door|on the table}.",
  "{Your|Ur} {share|half} of the {bill|rent|tickets} is {£35|£42.50|£120}, {transfer|send} it when {you|u} can {no rush|}.",
  "{Good luck|Gd luck} {with|for} {your|ur} {exam|interview|driving test} {today|2moro}! {You'll|U'll} {smash it|be fine}.",
  "{I've|Ive} sent {you|u} the {photos|link|address}, {let me know|lemme know} if {it|they} {doesn't|dont} {work|open}.",
  "{Is|Iz} {it|the party} {still|} on {for|at} {time}? {Need|Shall i bring} {anything|drinks}?",
  "{Your|The} {verification|security|login} code is {483920|117604|920351|664218}. {Do not|Don't} share {it|this code} with anyone.",
  "{first}, your {appointment|booking} at {the dentist|the surgery|the salon} is {confirmed|booked} for {Tue|Wed|Thu} at {10:40|14:15|9:00}. Reply C to cancel.",
  "{Your|The} {order|delivery} from {company} {is out for delivery|will arrive} {today|tomorrow} between {9|10|12} and {1|2|4}. Track it in the app.",
  "{Reminder|Friendly reminder}: {your|the} {car|MOT|prescription} {is due|is ready} {on Friday|next week}. {Thanks|See you then}, {company} {Garage|Pharmacy}.",
  "{Sorry|Soz} {I|i} {was|wz} {asleep|in the shower|out}. {Yeah|Ya} {that's|thats} fine, {see|c} {you|u} {time}.",
  "{Don't|Dont} worry {about it|abt it}, {it's|its} {fine|all good}. {Just|Jus} {come|drop by} when {you're|ur} free.",
  "{Where|Wer} {did|do} {you|u} {park|leave the car}? {I|i} {can't|cant} find {it|the car} {at|in} {place}.",
  "{first} {said|says} {the|that} {meeting|class|practice} {is|has been} {moved|cancelled} {to {time}|till next week}.",
  "{Eh|Oi} {you|u} {free|around} {later|this arvo}? {Wanna|Want to} {play|go for} {football|a walk|tennis}?",
  "{Win|Won} the {quiz|match|raffle} at {place} {last night|today}!! {Free|Got a} {drinks|voucher} {for|4} the team {lol|haha}",
  "{Call|Ring} me {when|wen} {you|u} {can|get a chance}, {need|wanna} {to|2} ask {you|u} {something|sumthing}.",
];

/** Genuine mail: lists, newsletters people signed up for, receipts, releases, calendar. */
const HAM_MAIL: Array<{ subject: string[]; body: string[] }> = [
  {
    subject: [
      "Re: [{project}-devel] {build failure|segfault|patch} {on|in} {version}",
      "[{project}] Re: {config question|strange behaviour after upgrade|memory leak}",
    ],
    body: [
      "{first} wrote: > {I get|I'm seeing} {a segfault|an error|a warning} {when|after} {running make|starting the daemon|upgrading to {version}}.",
      "{That's|This is} {a known bug|fixed in CVS|fixed in {version}}, {see|check} the {changelog|bug tracker|archives} {for details|}.",
      "{Try|Could you try} {running it with --debug|rebuilding with the patch|removing the cache directory} and {post|send} the {output|backtrace} {to the list|here}?",
      "{It works|Worked} {for me|here} on {Debian|Red Hat 7.3|FreeBSD|Mandrake} {with|using} {gcc 3.2|perl 5.8|python 2.2}.",
      "{Cheers|Thanks|Regards}, {first}",
    ],
  },
  {
    subject: [
      "[ANNOUNCE] {project} {version} released",
      "{project} {version} is out",
    ],
    body: [
      "{We are pleased to announce|I'm happy to announce} {the release of|} {project} {version}.",
      "{This release|The new version} {fixes|includes fixes for} {several crashes|a security issue|12 bugs} and {adds|introduces} {IPv6 support|a new plugin API|faster startup}.",
      "{Download|Tarballs} {at|from} http://{project}.example.org/download/ {and|;} {MD5 sums|signatures} {are|are on} the {same page|website}.",
      "{Please report bugs|Bug reports} {to the tracker|to the list}. {Thanks to everyone who helped|Thanks to all contributors}!",
    ],
  },
  {
    subject: [
      "{Today's|Daily|Weekly} {headlines|news digest|tech news}",
      "{company} {Weekly|Daily|Insider}: {issue 214|this week's stories|top stories}",
    ],
    body: [
      "{Top stories|In this issue|Today's headlines}: {a chip maker cuts jobs|new browser released|court rules on software patents|record heatwave in Europe}.",
      "{Read more|Full story} at http://news.{company}.example.com/{2002|2003}/{07|09}/{story|article}.html",
      "{Also|Plus}: {reviews of three new laptops|our readers' letters|the week in pictures|a free software column}.",
      "{You are subscribed as|This newsletter was sent to} {first}@example.com. {To change your subscription|Manage your preferences}, {visit|go to} http://lists.example.com/options",
      "{Copyright|(c)} 2002 {company} {Media|Publishing}. {All rights reserved|Reproduction prohibited}.",
    ],
  },
  {
    subject: [
      "{Your|Order} {receipt|confirmation} {from|for} {company}",
      "{Order|Invoice} #{48213|77120|31904} {confirmed|shipped}",
    ],
    body: [
      "{Thank you for your order|Thanks for shopping with us}, {first}.",
      "{Order|Invoice} {48213|77120|31904}: {1 x USB hub, 2 x cable|1 book|a replacement battery}, {total|amount} {$23.40|£18.99|€42.00}.",
      "{It will ship|We will email you} {within 2 working days|when it ships}. {Track|View} your order {in your account|at http://shop.example.com/orders}.",
      "{Questions?|Need help?} {Reply to this email|Contact our support team}.",
    ],
  },
  {
    subject: [
      "{Meeting|Call|Invitation}: {project sync|quarterly review|1:1} {on|-} {Tue|Wed|Thu} {10:00|14:30}",
      "Updated invitation: {planning|design review} @ {Mon|Fri} {9am|3pm}",
    ],
    body: [
      "{first} has invited you to {a meeting|an event}. {When|Time}: {Tuesday|Wednesday} {10:00-10:30|14:30-15:30}. {Where|Location}: {room 2B|video call}.",
      "{Agenda|Topics}: {status of the release|budget for next quarter|hiring plan}, {open questions|AOB}.",
      "{Accept|Decline|Tentative} - {view|see} the event in your calendar.",
    ],
  },
  {
    subject: [
      "Re: {ticket|case} #{10442|20387|5521}: {cannot log in|invoice question|export fails}",
      "{Your support request|Case update} #{10442|20387|5521}",
    ],
    body: [
      "Hi {first}, {thanks for getting in touch|thanks for your patience}.",
      "{We've|We have} {reset your password|corrected the invoice|reproduced the bug} and {the fix|a patch} {will be|is} {deployed tonight|in version {version}}.",
      "{If the problem persists|If you have any other questions}, {just reply to this email|reply and we'll reopen the ticket}.",
      "{Best|Kind regards}, {first} - {company} Support",
    ],
  },
  {
    subject: [
      "{Headline|Feed item}: {council votes on new budget|storm hits the coast|new phone announced}",
      "{first}'s {weblog|blog}: {a long weekend|on writing tests|new camera}",
    ],
    body: [
      "URL: http://{blog|news|feeds}.example.{org|net}/{2002|2003}/{08|10}/{14|27}.html#{item3|p1} Date: {2002-08-14|2002-10-27}T{09:12|21:40}:00-{05|07}:00",
      "{The government|Officials|Researchers} {said on Monday|announced today|reported} that {talks would continue|the plan would cost about $2 million|the results surprised them}.",
      "{I spent|We spent} the {weekend|evening} {fixing the fence|reading|at the coast} and {finally|} {finished the book|took some photos|wrote the parser}.",
      "{Read more|Comments} {at|:} http://{blog|news}.example.org/{archives|stories}/{2041|877}",
    ],
  },
  {
    subject: [
      "{product} {version} {released|now available}!",
      "{New release|Upgrade offer} for registered {company} users",
    ],
    body: [
      "Dear {company} {user|customer}, {we are pleased to announce|today we released} {version} of our {FTP client|photo editor|backup software}.",
      "{New features|What's new}: {tabbed sessions|faster transfers|scheduled backups}, {improved security|a new interface} and {dozens of bug fixes|better Windows XP support}.",
      "{Registered users|Customers with a licence} {can upgrade|upgrade} {free|at 50% off|for $19.95} {from|at} http://www.{company}.example.com/upgrade",
      "{You are receiving this|This message was sent} because you registered {a product|your software} with {company}. {To unsubscribe|To stop these announcements}, {visit|update your profile at} http://www.{company}.example.com/profile",
    ],
  },
  {
    subject: [
      "{Reminder|There's still time}: {enter|our} {summer|new season} {sweepstakes|contest}",
      "{company} {auction|deal} alert: {items you watch|your saved search}",
    ],
    body: [
      "{Thanks for entering|You entered} the {company} {sweepstakes|contest} {on our website|last month}. {There's still time|You can enter again} {every day|once a day} until {August 31|the end of the season}.",
      "{Prizes include|This week you could win} {a trip to the show|a home cinema|signed merchandise}. {No purchase necessary|Official rules on our site}.",
      "{3|5|12} new {items|listings} match {your saved search|your watch list}: http://auctions.example.com/{alert|search}?id={4471|9902}",
      "{You signed up for|You asked for} these {alerts|emails} {on our site|in your account}. {Manage alerts|Unsubscribe} at http://{company}.example.com/{alerts|prefs}",
    ],
  },
  {
    subject: [
      "Re: [{project}-talk] {rule scores|false positives|bayes training} {for|with} {version}",
      "Re: {spam|junk mail} {filtering|rules} for {the list|our server}",
    ],
    body: [
      "{first} wrote: > {the rule|this test} {fires on|matches} {'free money'|'click here'|'100% guaranteed'} {in legitimate newsletters|too often}.",
      "{Yes|Agreed}, {that rule|the phrase test} {scores too high|needs a lower score}; {most|a lot of} {spam|junk} {these days|} {uses|comes with} {HTML|obfuscated words} {anyway|instead}.",
      "{I've|I have} {trained|retrained} {the bayes database|my filter} on {2,000|5,000} {ham and spam|messages} and {the false positive rate|accuracy} {is|looks} {much better|fine now}.",
      "{Patch attached|Rule update below}; {please test|comments welcome} {before|and} {I commit|we release} {version}.",
    ],
  },
  {
    subject: [
      "{company} {partner|travel} offers: {travel insurance|car hire|hotel deals}",
      "{Your|The} {company} {tips|newsletter}: {issue 57|this week}",
    ],
    body: [
      "{As a|Because you are a} {company} {customer|member}, {we have teamed up with|in partnership with} {our partners|a leading insurer} to offer {travel insurance|car hire|hotel rooms} {at a special rate|from 9 euro a day}.",
      "{This week's tip|In this issue}: {how to clean up your startup folder|keyboard shortcuts you never knew|a free tool to back up your email}.",
      "{Details|More} {at|:} http://www.{company}.example.com/{offers|tips}/{2002|issue57}",
      "{You subscribed to|You receive} this {newsletter|email} {with the address|as} {first}@example.com. {Unsubscribe|Change your settings} {at any time|here}: http://www.{company}.example.com/unsubscribe",
    ],
  },
  {
    subject: [
      "{Your|Security} {sign-in|login} code",
      "{New sign-in|Password changed} on your {company} account",
    ],
    body: [
      "{Your|The} {verification|one-time} code is {551230|873014|209876}. {It expires in 10 minutes|Enter it to continue}.",
      "{If you didn't request this|If this wasn't you}, {you can ignore this email|change your password in account settings}.",
      "{The|-} {company} {team|accounts team}",
    ],
  },
];

/** More bulk SMS: billing notices of subscription services, callback lures, chat and quiz lines. */
const SPAM_SMS_2 = [
  "{Please|PLS} {call|ring} {premium} {immediately|asap|now} {as|-} there is an {urgent|important} message waiting for you{.|!}",
  "{Customer service|Delivery} {announcement|notice}: we {tried|attempted} to deliver {a parcel|your gift|a package} {to you|today} but {could not|were unable to}. {Please|Pls} call {mob} to {rearrange|re-schedule}. Ref:{88120|41937|70255}",
  "Thanks for your {ringtone|wallpaper|game|video} order, {ref}. Your {mobile|phone} will be charged {£4.50|£3|£1.50}. {If|Should} your {tone|item} not arrive call {premium}",
  "{Your|Ur} {TONES|tones club|games club} subscription has been {renewed|extended} and {you have been|u hav been} charged {£4.50|£3|300p}. {Choose|Pick} {10|5} more {tones|polys} this {month|week} at www.tones-club.example.co.uk",
  "{Free|FREE} msg: {sorry|Sorry}, a {service|subscription} you ordered from {code} could not be delivered {as|because} you do not have {enough|sufficient} credit. {Please|Pls} top up to {receive|continue}.",
  "{You will|U will} {receive|recieve} your {tone|video|game} within {24hrs|the next 24 hours}. For {terms|T&Cs} see {www.mob-terms.example.co.uk|our website}. {rate}",
  "{Find out|Discover} {what the stars say|your future|ur love life} {this week|2day}! {Txt|Text} HORO {followed by|+} {ur|your} star sign {eg|e.g.} HORO {sign} to {code}. {rate}",
  "{Your|Ur} daily {joke|chat-up line|fact}: {why did the chicken cross the road|what do you call a fish with no eyes}? {Reply|Txt} MORE {for|4} the answer. {rate} {Send STOP to end|stop2stop}",
  "{Goal|GOAL} alert! {United|City|Rovers} {2|3}-{0|1} {after|at} {60|78|85} mins. {Get|4} every goal {on|2} ur mobile {for|4} {£1.50|150p}/wk. {Txt|Reply} STOP {to|2} end",
  "{Hi|Hey} {babe|hun} {its|it's} {Chloe|Jess|Kayla}, {how r u|wot u up 2}? {I was|Was} {so bored|out} {last night|at the wkend}, {u been missing me|fancy a chat}? {Txt|Text} me {back|now} {rate} {age}",
  "{Reply|Txt} {with|back} your {NAME and AGE|AGE and GENDER} {to join|to start chatting|to opt in} {the|our} {mobile|local} {community|chat}{!|.} {e.g.|eg} {24M|31F}. {rate}",
  "{Had|Had ur} {your|} {mobile|contract} {10|11|12} {mths|months}? {Update|Upgrade} to the latest {camera|colour|video} phone{s|} {for FREE|free}! {Keep|KEEP} {ur|your} {same|} number. {Text|Txt} YES {for|4} a callback{, NO to opt out|}",
  "{Auction|AUCTION} round {2|4|5}. The highest bid is now {£54|£71|£38}. {To bid|2 bid} send BID {and|+} amount {to|2} {code}. {Good luck|Gd luck}. {rate}",
  "{Win|WIN} a {meet and greet|VIP trip|signed shirt} {with|from} {your favourite band|the team}! Answer: {what|which} {city|year} {is|was} {it|the tour} in? {Txt|Text} {A|B|C} to {code}. Cost {50p|150p}+std {text|txt}",
  "{Dear|Hi} voucher holder, to claim this {week's|weeks} offer {go to|visit} {url} {from your PC|now}. {Ts&Cs|T&Cs} apply.",
  "{Missed|You have a missed} call alert. {These|This} number{s|} called but left no message: {mob}. {Call|Ring} {premium} to {hear|listen}.",
  "{PRIVATE|Private}! Your {2004|2005|2006} account statement {for|shows} {07700|078} {XXXXXX|xxxxxx} {shows|has} {800|1200} un-redeemed points. Call {premium} {ref}. {Expires|Ends} {31/12|soon}",
  "{IMPORTANT|Important} {INFORMATION|info} {4|for} {ORANGE|O2|VODAFONE} {USER|customer}: {TODAY IS UR LUCKY DAY|today is your lucky day}! {2 find out|To find out} why {log onto|visit} {url}",
  "{Welcome|WELCOME}! {You are now|Ur now} subscribed to {the|our} {sexy|hot|flirt} {chat|pics} {service|club}. {Msgs|Each msg} cost{s|} {rate}. {Send|Text} STOP to {code} to {cancel|end}. {age}",
  "{Santa|Father Christmas} calling! Would your {little ones|kids} like a call from {Santa|him} on Xmas eve? Call {premium} to book. Calls {£1.50|150p}/min",
  "{Get|Grab} {2wks|2 weeks|a month} {FREE|free} {goals|news|alerts} to ur mobile! {Txt|Text} ur {club|team} name to {code} {eg|e.g.} {ROVERS|CITY} {to|2} {code}. {rate}",
  "{Your|Ur} {mobile content|video clip|download} {order|purchase} {is ready|has been resent}. {You've|U've} been charged {35p|£1.50|£3}. {Queries|Help}: {premium}",
  "{Do you want|Want} a {new|free} {colour|camera} phone {delivered|sent} {tomorrow|free}? {With|+} {200|400} {FREE|free} {minutes|mins} {+ 100 free texts|and a free camcorder}. {Reply|Call} {mob} {or|now}",
  "{As one of our|As a} {registered|valued} subscriber{s|} {u|you} can enter {the|our} draw {4|for} a {£100|£250} {gift|shopping} voucher {by replying|-reply} {ENTER|WIN}. To unsubscribe text STOP",
  "{Sexy|Hot} {singles|babes|girls} {are waiting|waiting} {for you|4 u}! {Text|Txt} {your|ur} AGE {and|+} {GENDER|M or F} {eg|e.g.} {23F|30M} to {code}. {rate}",
  "{Thanks|THANKS} {for|4} {the|ur} vote! {Now|Nw} {sing along|play along} {with|wiv} the stars on {your|ur} mobile. {For|4} a {FREE|free} link {reply|just reply} {SING|GO} {now|2day}.",
];

/** More genuine SMS: everyday chat in several styles, including Singapore-style and terse notes. */
const HAM_SMS_2 = [
  "{Ok lor|Ok lah|Ok can}, {i|I} {reach|will reach} {place} {at|around} {time}. {U|You} {wait|go} {first|there first} {ok|lah}.",
  "{Dun|Don't} {wait|worry} for me, {i|I} {haf|have} {to|2} {finish|do} {my|the} {work|report} {first|liao}. {Later|Nite} {then|I} {call|msg} {u|you}.",
  "{Haha|Hee} {ya|yup} {lor|la}... {so|very} {sian|tired} {today|2day}. {U|You} {going|goin} {to|2} {place} {later|tmr} {anot|or not}?",
  "{Yup|Yep|Ya} {i|I} {got|receive} {it|ur msg} {already|le}. {Thanks|Thk} {ah|a lot}!",
  "{I'm|Im} {on|on the} {bus|train|way} {now|already}, {be there|reach} in {5|10} {min|mins}.",
  "{Sorry|Sry} {i|I} {can't|cant} {make it|come} {tonight|today}, {something came up|not feeling well}. {Next|Nxt} time {k|ok}?",
  "{Did|Did u} {you|} {see|watch} the {match|game|show} {last night|yest}? {Unreal|Crazy} {ending|finish}!",
  "{Mom|Mum} {wants to know|asking} if {you're|ur} {coming|back} {for|4} {dinner|lunch} {on Sunday|this wkend}.",
  "{K|Ok} {thanks|thx}. {I'll|Ill} {text|msg} {you|u} {when|wen} {i'm|im} {done|out}.",
  "{Gd|Good} {morning|mrng}! {Hope|Hv} {u|you} {slept|sleep} well. {Today|2day} {so cold|raining} {sia|leh}.",
  "{Wat|What} {r u|are you} {doing|doin}? {I'm|Im} {bored|free} {now|rite now}, {wanna|want to} {chat|call}?",
  "{Can|Cn} {u|you} {send|pass} me {the|that} {notes|file|number} {later|when free}? {Thanks|Thks} {a lot|so much}.",
  "{I|i} {love|miss} {you|u} {too|so much}. {Sleep|Sleep well|Nite} {and|&} {dream|sweet dreams} {of me|}. {Muah|xx}",
  "{Just|Jus} {finished|done} {class|work|gym}. {Where|Wer} {u|r u}? {Want|Wan} {to|2} {eat|makan} {together|2gether}?",
  "{Nah|No} {it's|its} {ok|fine}, {i|I} {already|alr} {ate|had dinner}. {U|You} {go|carry on} {ahead|first}.",
  "{Oh|Oh ok} {i|I} {see|c}. {So|Then} {how|wat} {did|did u} {you|} {decide|do} {in the end|finally}?",
  "{Hey|Hi} {first}, {i|I} {won|got} {2|two} {tickets|passes} {to|for} the {concert|game} {from|at} {work|a raffle}! {Wanna|Want to} come?",
  "{Call|Ring} {me|home} {when|once} {you|u} {get|reach} {this|home}, {dad|mum|grandma} {needs|wants} {to talk|a word}.",
  "{Tell|Pls tell} {first} {i|I} {said|say} {hi|thanks} {and|&} {that|} {i'll|ill} {pay|pass} {him|her} back {tmr|tomorrow}.",
  "{Your|Ur} {train|flight} {is|was} {delayed|cancelled}? {Text|Msg} me {when|wen} {you|u} {know|get} the new time {and|&} {i'll|ill} {pick|get} {you|u}.",
  "{Great|Gr8} {news|stuff} {about|abt} the {job|flat|exam}!!! {So|Soo} {proud|happy} {of|4} {you|u}. {Drinks|Celebrate} {on me|this wkend}!",
  "{Free|Are u free} {on|this} {Sat|Sunday}? {We're|We r} {having|doing} a {bbq|picnic|party} {at|in} {place}. {Bring|Just bring} {yourself|drinks}.",
];

/** More bulk e-mail genres, several in the shape html-to-text gives an HTML mail. */
const SPAM_MAIL_2: Array<{ subject: string[]; body: string[] }> = [
  {
    subject: [
      "{Save|SAVE} {50%|70%} on {your|} {life|term life} insurance",
      "{Free|FREE} {custom|instant} {life insurance|annuity} quote {20331|#4471|}",
      "{Guaranteed|GUARANTEED} {annuity|income} {rates|bonus}",
    ],
    body: [
      "{Protect|Secure} your family's future {for pennies a day|today}. {Compare|Get} {quotes|rates} from {top-rated|A+ rated} {carriers|insurers} {in minutes|in one place}.",
      "{A 45-year-old|Age 35} {non-smoker|male} {can get|pays as little as} {$500,000|$250,000} {of coverage|term life} for {$19|$12.50} a month.",
      "{Click here [{track}]|Get your free quote [{track}]} {for your free quote|- no obligation}.",
      "{Agents|Producers}: {earn|get} a {$500|first sale} bonus {on|with} our {new|guaranteed} {annuity|product}. {Call|Phone} {1-800-555-0199|1-877-555-0142} {today|now}.",
    ],
  },
  {
    subject: [
      "{Accept|ACCEPT} credit cards {today|now}",
      "{Merchant|Business} account{s|} - everyone approved",
      "{credit processing|card processing} {is easy|made easy} {189|4417|}",
    ],
    body: [
      "{Accept|Start accepting} {Visa, MasterCard|all major credit cards} {on your website|at your business} {in 48 hours|today}.",
      "{NO CREDIT CHECKS|No setup fees|Everyone approved}. {Bad credit OK|No upfront costs}.",
      "{DO IT NOW|Apply online|Sign up} [{track}]",
    ],
  },
  {
    subject: [
      "{17|12|20} {million|mln} {US|UK} businesses {on CD|email addresses}",
      "{Direct|Bulk} email {blaster|software}{, extractor|}",
      "{Safely|How to} send bulk email {using|from} {your cable or DSL|home}",
    ],
    body: [
      "{Our|This} CD contains {data|contact details} on {12|17} million {companies|businesses} {sorted by|with} {category|SIC code}, {phone|fax} and email.",
      "{Send|Deliver} {millions of|100,000} {emails|messages} {an hour|per day} {without|with no} {blacklisting|bounces} {from your own PC|using our servers}.",
      "{Extract|Harvest} {addresses|emails} from {websites|newsgroups} {automatically|in minutes}. {Verify|Clean} {your list|addresses} {free|too}.",
      "{Order now|Special price} {for only|just} {$99|$149|$49.95}: {track}",
    ],
  },
  {
    subject: [
      "{Find out|Discover} the truth about anyone!",
      "{BANNED|Banned} CD{!|! BANNED CD!}",
      "{Investigate|Check up on} {anyone|your spouse|your neighbour}",
    ],
    body: [
      "{Find|Locate} {anyone|old friends|lost loves}, {check|dig up} {criminal records|credit histories|driving records} {anonymously|from home}.",
      "{The government|They} {don't want you to know|tried to ban} {this information|this CD}. {Order|Get it} {before it's gone|while you can}!",
      "{Only|Just} {$29.95|$19.95} {today|for a limited time}. {Order|Click} here [{track}]",
    ],
  },
  {
    subject: [
      "{Save|SAVE} {70%|60%} on {laser toner|inkjet cartridges|printer ink}!",
      "{Printer|Ink} cartridges as low as {$1.21|$2.49} each!",
    ],
    body: [
      "{Inkjet|Laser} {cartridges|toner} for {all|every} {printer|brand} {at|from} {$1.99|$2.49}. {Free shipping|Ships today}.",
      "{Why pay more|Stop overpaying}? {Compatible|Remanufactured} {cartridges|toner} {guaranteed|100% guaranteed}.",
      "{Shop now|Order today} [{track}]",
    ],
  },
  {
    subject: [
      "{Timeshare|Vacation property} {for sale|owners}",
      "{Looking for|Still looking for} {property|a house} {in Spain|abroad|?}",
      "{Genuine|Beautiful} {log home|cabin} in {your|YOUR} future",
    ],
    body: [
      "{Sell|Rent} your timeshare {fast|for cash}! {We have buyers|Buyers are waiting} {now|in your area}.",
      "{Beautiful|Exclusive} {villas|apartments} {on the coast|near the beach} {from|only} {EUR 89,000|$120,000}. {Don't waste time|Avoid sold listings}.",
      "{We buy|Cash for} houses {in any condition|fast}. {No agents|No fees}. Call {1-888-555-0120|1-866-555-0188}.",
      "{Visit|See photos} [{track}]",
    ],
  },
  {
    subject: [
      "{Legal|LEGAL} {herb|smoke|high}{, anytime|!}",
      "{Increase|Boost} {length|size} {and|&} {thickness|stamina} {OCW|fast}",
      "{Look and feel|Feel} {10-20|20} years younger{!|?}",
    ],
    body: [
      "{Our|This} {legal|natural} {herbal|smoking} {blend|formula} {relaxes|gives a buzz} {without|with no} {drug test problems|prescription}.",
      "{Would you like to|Want to} {lose weight|have more energy|sleep better} {while you sleep|without trying}?",
      "{Human growth hormone|HGH} {reverses|turns back} {ageing|the clock}. {Clinically proven|Doctor formulated}.",
      "{Order|Click here} [{track}] {Satisfaction guaranteed|Limited supply}.",
    ],
  },
  {
    subject: [
      "{Swiss|Offshore} {bank|internet} account {with|+} ATM card",
      "{Protect|Hide} your assets {offshore|today}",
    ],
    body: [
      "{Open|Have} a {secret|private} {offshore|Swiss} account {with an ATM card|online}. {No personal appearance|No corporation} {needed|required}.",
      "{Banking secrecy|Total privacy} {guaranteed|by law}. {Access your money|Withdraw cash} {anywhere in the world|at any ATM}.",
      "{Details|Apply} [{track}]",
    ],
  },
  {
    subject: [
      "{Get|Earn} paid to {take surveys|read email|shop}",
      "{Telemarketers|Agents} earn {$250+|$500} per {lead|sale}",
      "{Summer|Home} job {interviews|openings}",
    ],
    body: [
      "{Companies|Major brands} {will pay you|pay} {$25 to $75|up to $150} {per survey|an hour} {from home|in your spare time}.",
      "{No experience|No selling} {needed|required}. {Start|Get paid} {today|this week}.",
      "{Reply|Send} {your name and phone number|INFO} {to|for} {details|an application}, or {apply here|visit} [{track}]",
    ],
  },
  {
    subject: [
      "{Webmaster|Site owner}: {templates|web page templates} {here|for you}",
      "{Your|A} {free|new} {website|web page} {in minutes|today}",
      "{Increase|More} sales {with|using} our {system|software}",
    ],
    body: [
      "{Professional|Ready-made} {web templates|site designs} {for|at} {$19|$29}. {Download|Instant download} {now|today}.",
      "{Check it out|See them all} [{track}]",
      "{Hundreds of|1000s of} {designs|templates} {for every business|in every style}. {Limited time offer|This week only}!",
    ],
  },
  {
    subject: [
      "{This is an HTML message|Special offer inside|Your order}",
      "{Brand new|Exclusive} {premium|member} promotion",
      "{Important|Urgent|Hello}",
    ],
    body: [
      "{Click here|Click below} [{track}]",
      "{If you cannot see the images|Can't see this message}, {click here|view it online} [{track}]",
      "{To unsubscribe|Remove me} [{track}]",
    ],
  },
  {
    subject: [
      "Re: {your|} {account|application|request} {approved|#4721}",
      "RE: {Approved|Approval} for {$5000|$25,000}",
      "Fw: {info|details} {you asked for|inside}",
    ],
    body: [
      "{Your|The} {application|request} {has been|was} {approved|pre-approved} {for|up to} {$5,000|$25,000|$50,000}.",
      "{Claim|Get} {it|your funds} {here|now}: {track}",
      "{Sincerely|Regards}, {Your New Offers Staff|The Approval Team}",
    ],
  },
];

/** Link-heavy bulk mail: a tracking link per line, the same link repeated, removal by link. */
const SPAM_LINKY: Array<{ subject: string[]; body: string[] }> = [
  {
    subject: [
      "{Friend|Hello}, {great news|act fast}{!|} {product} {for less|at 80% off}",
      "{Tremendous|Huge} savings on {product}{!!|....}",
      "{Your|The} {report|info} {!|} {ufhvv|2231|}",
    ],
    body: [
      "{track}\n\n{track}",
      "{Lowest|The lowest} {prices|software prices} you will ever see! [{track}]",
      "{Inventory|Warehouse} {closeout|clearance} sale [{track}] {Shop now|Order today} [{track}]",
      "{Remove yourself|To be removed} from this {recurring|} list {by clicking here|here} [{track}] {or send a blank email to|or write to} remove@{bulk|mailer}.example.biz",
    ],
  },
  {
    subject: [
      "{Don't be a victim|Protect yourself}{:| -} {track your laptop|stop identity theft}",
      "{Three minutes now|A few minutes} {...|-} a lifetime of {protection|savings}",
      "{Keep it under wraps|Shh}, but this {one works|works a treat}! {25031|8812|}",
    ],
    body: [
      "{track}\n{track}",
      "{track} {Tracks|Finds} your {missing|stolen} {computer|car} {anywhere in the world|in minutes}.",
      "{track} {Protect|Secure} your family {for pennies|in three minutes}. {Free quote|No obligation}.",
      "Your email address was obtained from {a purchased list|an opt-in list}{, Reference # 1580-22|}. {If you wish to be removed|To unsubscribe}, {click here|visit} [{track}]",
    ],
  },
  {
    subject: [
      "{Hi sweetie|Hey}{,|} {my pic|new page|see me}",
      "{Come see|Check out} {my|our} {new|hot} {web site|pics}",
    ],
    body: [
      "{Hi sweetie|Hey you}, come see me and my {hot|naughty} {girl friends|friends} {at our new web site|here} -> {track}",
      "{Come|Hurry} {fast|quick} before {they delete this page|it's gone}!",
      "{Remove instructions|To be removed}: {this e-mail|this message} {is sent|was sent} {in compliance|to opt-in members}. {Reply with remove|Click} [{track}]",
    ],
  },
];

/** Bulk mail in other languages (so that other languages are not a cue by themselves). */
const SPAM_INTL = [
  "{Gane|Gana} dinero desde casa\n{Trabaje|Trabaja} desde casa y {gane|gana} {hasta|más de} {3.000|5.000} euros al mes. {Sin experiencia|Sin inversión}. {Haga clic aquí|Más información} [{track}]",
  "{Oferta|Promoción} {exclusiva|especial}: {préstamos|créditos} {rápidos|sin aval}\n{Dinero|Crédito} en 24 horas, {sin papeleo|sin consultar su historial}. {Solicítelo|Pídalo} {ya|ahora}: {track}. Para darse de baja {responda|envíe} BAJA.",
  "{Curso|Seminario} de {contraloría|gerencia|marketing} {administrativa|por internet}\n{Inscríbase|Regístrese} {hoy|ya} con {50%|30%} de descuento. {Cupos limitados|Últimos lugares}. Informes: {track}",
  "{Gagnez|Gagner} de l'argent {facilement|depuis chez vous}\n{Vous avez été sélectionné|Félicitations} ! {Gagnez|Recevez} {un iPhone|1000 euros|un séjour} {gratuit|offert}. {Cliquez ici|Participez} [{track}] Pour vous désinscrire, {cliquez ici|répondez STOP}.",
  "{Rencontres|Dialogue} {coquines|et rencontre}\n{Des célibataires|Des femmes} de votre région {vous attendent|veulent discuter}. {Inscription gratuite|Rejoins-nous} : {track}",
  "{Webmaster|Ganhe dinheiro} {ganhe|com seu} {dinheiro|site} !!!\n{Ganhe|Fature} {até|mais de} R$ {5.000|3.000} por mês {com|divulgando} {nosso|o} {programa|sistema}. {Cadastre-se|Clique aqui} [{track}] {Para sair da lista|Remover}: {track}",
  "{Empréstimo|Crédito} {fácil|rápido} {sem consulta|aprovado}\n{Dinheiro|Crédito} na sua conta em {24 horas|1 dia}. {Sem burocracia|Nome sujo ok}. {Acesse|Clique}: {track}",
  "{免費|免费}{無限|无限}{長途電話|国际长途|打電話}\n{只需|只要}{註冊|注册}就{送|可以}{免費|免费}{通話|通话}{時間|时间}，{機會難得|名额有限}！請{點擊|点击}：{track}",
  "{賺錢|赚钱}{好機會|好机会}\n{在家|網上}{工作|創業}，{每月|每個月}{輕鬆|轻松}{收入|赚}{三萬|五萬}元！{詳情|了解更多}請看 {track} 如不想再收到此郵件，請回覆{取消|退訂}。",
  "{Заработок|Доход} {в интернете|на дому}\n{Зарабатывайте|Получайте} {от 3000|до 5000} долларов в месяц без вложений! {Подробности|Узнать больше}: {track} {Для отписки|Отписаться} {нажмите здесь|ответьте}.",
  "{Рассылка|Реклама} {вашего|Вашего} {сайта|бизнеса}\n{Базы|База} {адресов|e-mail} {всех|по всем} {регионам|фирмам}. {Недорого|Скидки}! {Звоните|Пишите}: {track}",
  "{Kredi|Bedava} {fırsatı|kampanya}!\n{Hemen|Şimdi} {başvurun|tıklayın}, {24 saatte|anında} {kredi|para} {hesabınızda|cebinizde}. {Kaçırmayın|Son gün}: {track}",
  "{Greencard|Green card} {çekilişini|başvurusunu} kaçırmayın\n{Amerika'da|ABD'de} {yaşamak|çalışmak} {ister misiniz|için} {son gün|hemen} {başvurun|tıklayın}: {track}",
  "{โปรโมชั่น|ข้อเสนอ}{พิเศษ|สุดคุ้ม}\n{รับ|ฟรี}{ส่วนลด|ของแถม} {50%|70%} {วันนี้|เท่านั้น} {คลิก|สมัคร}ที่ {track}",
  "{Geld|Reich} {verdienen|werden} {von zu Hause|im Internet}\n{Verdienen Sie|Bis zu} {5.000|3.000} Euro im Monat! {Keine Vorkenntnisse|Ohne Risiko}. {Jetzt klicken|Hier informieren} [{track}] {Abmelden|Austragen}: {track}",
];

/** Genuine mail in other languages: lists, colleagues, family, newsletters people asked for. */
const HAM_INTL = [
  "{Re: |}{reunión|junta} del {lunes|martes}\nHola {first}, {te confirmo|confirmo} la {reunión|cita} del {lunes|martes} a las {10|15}:00. {Llevo|Traigo} el {informe|presupuesto} {revisado|impreso}. Saludos.",
  "{Re: |}[{project}-es] {error al compilar|problema con la versión} {version}\n{first} escribió: > {No compila|Falla} con gcc. {Prueba|Puedes probar} {con el parche|actualizando a {version}} y {nos cuentas|avisa} {en la lista|si funciona}.",
  "{Boletín|Noticias} {semanal|del mes} de {company}\n{En este número|Esta semana}: {nuevas funciones|resultados del trimestre|eventos}. {Leer más|Más información} [{nlurl}] {Para darse de baja|Cancelar suscripción}: {nlurl}",
  "{Re: |}{dîner|réunion} {samedi|jeudi}\nSalut {first}, {ça marche|c'est bon} pour {samedi|jeudi} {soir|à 19h}. {J'apporte|Je prends} {le dessert|le vin}. {Bises|À plus}.",
  "{Re: |}[{project}-fr] {problème|question} {avec|sur} la version {version}\n{first} a écrit : > {Le démon|Le programme} {plante|ne démarre pas}. {Essaie|Essayez} {avec --debug|de vider le cache} et {envoie|postez} la sortie {sur la liste|ici}. {Merci|Cordialement}.",
  "{La lettre|Newsletter} {de|du} {company} - {septembre|octobre}\n{Au sommaire|Dans ce numéro} : {les nouveautés|un dossier sur la sécurité|l'agenda}. {Lire la suite|En savoir plus} [{nlurl}] {Se désabonner|Gérer vos préférences} : {nlurl}",
  "{Re: |}{churrasco|almoço} {no sábado|amanhã}\nOi {first}, {tudo bem|beleza}? {Confirmado|Combinado} {o churrasco|o almoço} {no sábado|amanhã} às {13h|12h}. {Leva|Traz} {o carvão|a sobremesa}. Abraço.",
  "{Re: |}[{project}-br] {dúvida|erro} {na instalação|ao compilar}\n{first} escreveu: > {Não consigo|Erro ao} {instalar|compilar}. {Tente|Tenta} {rodar|usar} o {configure|make} {com|sem} {--prefix|a opção} e {mande|envie} o log {para a lista|aqui}.",
  "{Re: |}{会议|開會}{时间|時間}\n{first}你好，{明天|周五}的{会议|會議}改到{下午三点|上午十点}，{地点|地點}{不变|在二樓}。{请|請}{准备|準備}{报告|資料}。谢谢。",
  "{Re: |}{周末|週末}{聚餐|爬山}\n{大家好|各位}，{这周六|週六}{一起|大家}{吃饭|爬山}吧，{中午|早上}{十二点|九点}在{老地方|車站}{见|集合}。{收到请回复|有事請說}。",
  "{Re: |}{встреча|совещание} {в понедельник|завтра}\n{Привет|Здравствуйте}, {first}! {Встречу|Совещание} {переносим|перенесли} на {15:00|понедельник}. {Отчёт|Документы} {пришлю|отправлю} {вечером|сегодня}. {Спасибо|Пока}.",
  "{Re: |}[{project}-ru] {ошибка|проблема} {при сборке|в версии {version}}\n{first} пишет: > {Не собирается|Падает} {с gcc|при запуске}. {Попробуйте|Попробуй} {патч|обновиться} и {пришлите|пришли} {лог|вывод} в {рассылку|список}.",
  "{Re: |}{toplantı|yemek} {yarın|cuma}\n{Merhaba|Selam} {first}, {toplantı|yemek} {yarın|cuma} saat {10|19}'{da|de}. {Raporu|Sunumu} {getiriyorum|hazırladım}. {Görüşürüz|Teşekkürler}.",
  "{Re: |}{ประชุม|นัด}{พรุ่งนี้|วันศุกร์}\n{สวัสดี|หวัดดี}{ครับ|ค่ะ} {first} {ประชุม|นัด}{พรุ่งนี้|วันศุกร์}{บ่ายสาม|สิบโมง} {ห้องเดิม|ที่ออฟฟิศ} {ขอบคุณ|แล้วเจอกัน}{ครับ|ค่ะ}",
  "{Re: |}{Treffen|Besprechung} am {Montag|Dienstag}\nHallo {first}, {passt|geht} {Montag|Dienstag} um {10|14} Uhr? {Ich bringe|Ich schicke} {den Bericht|die Unterlagen} {mit|vorher}. {Viele Grüße|Gruß}.",
];

/** Support requests about marketing tools and in other languages: routine tickets, never spam. */
const HAM_TICKETS_2 = [
  "{The|This} {link|page|download} {https://example.com/downloads/installer.zip|https://app.example.com/settings/billing|http://www.example.com/help/export} {returns|gives|shows} {a 404|an error|a blank page}{.| when I open it.}",
  "{Your|The} {reset|invite|confirmation} link {https://app.example.com/reset?token=8f2a|https://example.com/join/4471} {has expired|doesn't work|says invalid token}. {Can you send a new one|Please resend it}?",
  "{Screenshot|Logs|Details} {here|attached}: {https://files.example.com/s/91ab2|https://pastebin.example.org/x7Kq} - {the error|it} {happens|started} {after|since} {version}.",
  "{Question about|Help with} {our|the} {SEO|email marketing|lead generation} {module|dashboard|plan}\n{Hi|Hello}, {our|the} {keyword rankings|campaign reports|lead forms} {stopped updating|show zero} {since|after} {the update|Monday}. {Can you check|Could you look into it}? {Account|Workspace} {4471|ACME-22}.",
  "{Upgrade|Change} {of|our} {marketing|social media} plan\n{We'd like to|Please} {move|upgrade} {from Starter to Pro|to the annual plan} {to get|for} {more contacts|the SEO reports}. {What does it cost|Is the price pro-rated}?",
  "{Urgent|Urgente} : {le logiciel|l'application} {plante|ne démarre plus} {depuis|après} la version {version}\n{Bonjour|Cher support}, {depuis|après} la mise à jour {version} {l'application|le programme} {plante|se ferme} {au démarrage|lors de l'export}. {Pouvez-vous|Merci de} {nous aider|regarder} {rapidement|au plus vite} ?",
  "{Urgente|Problema}: {erro|falha} {na versão|após atualizar para} {version}\n{Olá|Caro suporte}, {depois da atualização|na versão} {version} {o sistema|o aplicativo} {não abre|trava} {ao salvar|no login}. {Podem ajudar|Aguardo retorno}? {Obrigado|Atenciosamente}.",
  "{Urgente|Problema}: {fallo|error} {en la versión|tras actualizar a} {version}\n{Hola|Estimado soporte}, {desde la versión|después de actualizar a} {version} {la aplicación|el programa} {se cierra|no arranca} {al exportar|al iniciar sesión}. {¿Pueden ayudarnos|Quedo atento}? Gracias.",
  "{Dringend|Problem}: {Absturz|Fehler} {in Version|nach dem Update auf} {version}\n{Hallo|Sehr geehrtes Support-Team}, {seit|nach dem} Update auf {version} {stürzt die Anwendung ab|startet das Programm nicht}. {Können Sie helfen|Bitte um Rückmeldung}. {Danke|Mit freundlichen Grüßen}.",
];

/** Genuine mail people asked for, as html-to-text renders it: link annotations and footers. */
const HAM_MAIL_2: Array<{ subject: string[]; body: string[] }> = [
  {
    subject: [
      "{What to look for in|Shopping for} {a new|an affordable} {laptop|digital camera|phone} ({company} {Shopper|Update})",
      "{company} {Tech|Daily|Weekly} {Update|Digest}: {issue 88|this week}",
    ],
    body: [
      "{nlurl}\n\n{1|2} {Canon|Nikon|Dell} {PowerShot|Inspiron|Coolpix} {S40|8200|995} [{nlurl}]",
      "{Our editors|Reviewers} {compared|tested} {six|ten} {models|laptops} {under $1,000|this month}. {Read the review|See the results} [{nlurl}]",
      "{Prices|Lowest prices} {from|start at} {$299|$449} {at|from} {4|12} {stores|sellers} [{nlurl}]",
      "{You are subscribed as|This newsletter was sent to} {first}@example.com. {Unsubscribe|Manage subscriptions} [{nlurl}]",
    ],
  },
  {
    subject: [
      "{company} {partner offers|travel deals}: {hotels|car hire|insurance} from {9|19} {euro|EUR}",
      "{Buy|Get} {travel insurance|car hire} {today|with your booking}",
    ],
    body: [
      "{company} in partnership with {our insurer|a leading car hire firm} {offers|brings you} {travel insurance|car hire} from {7.00 GBP|9.00 Euro} per {person|day}.",
      "{Book|Add it} {online|when you book} [{nlurl}] {Terms and conditions apply|See the policy wording online}.",
      "{You received this|This e-mail was sent} because you {registered|booked} {on|with} {company}. {To unsubscribe|To stop these offers} [{nlurl}]",
    ],
  },
  {
    subject: [
      "{company} {Reseller|Partner|Dealer} News: {July|August|September}",
      "{New|Updated} {price list|product bulletin} for {company} {resellers|partners}",
    ],
    body: [
      "{The|This} {company} {Reseller News|partner bulletin} {provides|brings} {resellers|partners} {monthly|regular} {announcements|news} on {products|promotions} {through|from} {national distributors|our channel}.",
      "{They're here|New this month}! {The|Our} {new|latest} {printers|scanners|projectors} {ship|are available} {from|on} {August 1|September 15}. {Details|Specifications} [{nlurl}]",
      "{Rebate|Promotion}: {$50|$100} {back|instant rebate} on {selected models|the 3000 series} {until|through} {August 31|September 30}. {Download the form|Claim form} [{nlurl}]",
    ],
  },
  {
    subject: [
      "{Auction|Deal} alert: {items|new listings} {you're watching|matching your search}",
      "{Your|The} {company} {wish list|price watch}: {2|3} price drops",
    ],
    body: [
      "{nlurl}\n{nlurl}",
      "{3|5} new {listings|items} {match|for} {your saved search|digital cameras|laptops under $800}: {ending|closing} {today|in 4 hours} [{nlurl}]",
      "{Current bid|Price now}: {$212|$89|$430}. {Bid now|View item} [{nlurl}]",
      "{You set up this alert|You asked for these alerts} {in My Account|on our site}. {Change or cancel alerts|Unsubscribe} [{nlurl}]",
    ],
  },
  {
    subject: [
      "{Watch|Catch} {the game|every match} live {online|this weekend}",
      "{company} {Sports|Fan} {newsletter|update}: {this weekend|week 6}",
    ],
    body: [
      "{nlurl}\n{This weekend|On Saturday} you can {see|watch} {four|six} {games|matches} {live|exclusively} {online|on the internet}!",
      "{Scores|Results}, {highlights|video} and {standings|fantasy stats} [{nlurl}]",
      "{You are receiving this|You signed up for this} {newsletter|e-mail} {at|on} {company}.example.com. {Unsubscribe|Update your preferences} [{nlurl}]",
    ],
  },
  {
    subject: [
      "{The|Our} {Mouthpiece|Insider|Bulletin} - {Monday|Friday}, {August 19th|July 12th}",
      "[{company} {Daily|Weekly}] {tips|stories} {for|from} {today|this week}",
    ],
    body: [
      "{Do you enjoy this publication|Like this newsletter}? {Forward it to a friend|Give a friend a free subscription} [{nlurl}]",
      "{Today's tip|In this issue}: {a free tool to clean your registry|how to speed up your modem|what the new security patch fixes}. {Read on|Full article} [{nlurl}]",
      "{Sponsor|Advertisement}: {get high-speed DSL|try our web hosting} {from|for} {$29.95|$9.95} a month. {Click here|Details} [{nlurl}]",
      "{To unsubscribe|To change your address}, {visit|go to} {nlurl}",
    ],
  },
  {
    subject: [
      "{Sweepstakes|Contest} {reminder|winner notification}",
      "{You won|Prize notification}: {company} {summer|reader} {sweepstakes|draw}",
    ],
    body: [
      "Dear {first}, {congratulations|thank you for entering}! {On behalf of|From} {company}, {we are pleased to tell you|we're happy to confirm} {that you won|you have won} {a coupon|a runner-up prize|a T-shirt} in {our|the} {sweepstakes|reader draw}.",
      "{No action is needed|Your prize will be mailed} {to the address you entered|within 6 weeks}. {Official rules|Winners list} [{nlurl}]",
      "{You entered|You signed up} {on|at} {company}.example.com {on July 3|last month}.",
    ],
  },
  {
    subject: [
      "{use Perl|Slashdot|LWN} {Stories|Headlines} for {2002-09-10|2002-10-01}",
      "{Today's|This week's} {headlines|stories} from {project}.example.org",
    ],
    body: [
      "{In this issue|Headlines}:\n* {This Week on the mailing list|New release of {project}|Interview with a core developer}",
      "{posted by|from} {first} {on|at} {Monday|Tuesday} {September 10|October 1}, @{09:12|21:40} [{nlurl}]",
      "{Discuss|Comments} [{nlurl}]",
      "{Copyright|(c)} 2002 {project}.example.org. {You're getting this|To stop} {because you subscribed|, visit} {nlurl}",
    ],
  },
];

/** Subjects of bulk mail that arrives with no readable body (image-only or broken HTML). */
const SPAM_SUBJECT_ONLY = [
  "{FREE|Free} {long distance|calls|minutes} {FOR LIFE|forever}!!!",
  "{$$$|$$} {Make|MAKE} {money|MONEY} {fast|FAST} {$$$|$$}",
  "{Printer cartridges|Viagra|Rolex} {as low as|from} {$1.21|$2.99|$99}!",
  "{You|U} {have|hav} {won|WON}{!!!|!}",
  "{Lowest|LOWEST} {mortgage|MORTGAGE} {rates|RATES}{!!|}",
  "RE: your account {#4471|suspended|on hold}",
  "{Hot|HOT} {girls|teens|babes} {waiting|live} {!!!|now}",
  "{Lose|LOSE} {30|20} {lbs|pounds} {in 30 days|FAST}!",
  "{Important|URGENT|Attention} {information|notice} {for you|!!!}",
  "{不看會後悔|免費送給你|好消息}",
  "{¡Gana|Gana} {dinero|premios} {ya|hoy}!",
];

/** Short genuine mails: one line, or only a subject. */
const HAM_SHORT_MAIL = [
  "{Lunch|Coffee} {tomorrow|on Friday}?",
  "Re: {minutes|slides} {from|for} {today|the meeting}\n{Thanks|Got them}, {looks good|will read tonight}.",
  "{Photos|Pictures} {from|of} the {weekend|trip}\n{Here they are|Attached}. {first}",
  "Re: {the patch|your question}\n{Applied|Done}, thanks.",
  "{Running late|Stuck in traffic}\n{Start without me|Be there in 15}.",
  "{Happy birthday|Congratulations}!\n{Have a great day|Well done}, {first}!",
  "Fwd: {address|directions} for {Saturday|the party}",
  "{Call me|Ring me} {when you can|after 5}",
];

function pickerFor(seed: number) {
  const rand = rng(seed);
  return <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
}

function styled(s: string, i: number): string {
  if (i % 9 === 4) return s.toUpperCase();
  if (i % 3 === 1) return textSpeak(s);
  if (i % 5 === 2) return s.toLowerCase();
  return s;
}

function mail(tpl: { subject: string[]; body: string[] }, pick: <T>(xs: T[]) => T, n: number) {
  const subject = fill(pick(tpl.subject), pick);
  const body = tpl.body.filter((_, j) => j < 2 || j % 2 === n % 2 || n % 3 === 0);
  return `${subject}\n${body.map((b) => fill(b, pick)).join(n % 2 ? "\n" : " ")}`;
}

/** `perTemplate` generated bulk SMS and bulk e-mails per template (deterministic). */
export function generatedSpam(perTemplate = 4): string[] {
  const pick = pickerFor(11);
  const out: string[] = [];
  [...SPAM_SMS, ...SPAM_SMS_2].forEach((tpl, t) => {
    for (let n = 0; n < perTemplate; n++) out.push(styled(fill(tpl, pick), t + n));
  });
  for (const tpl of [...SPAM_INTL, ...SPAM_SUBJECT_ONLY]) {
    for (let n = 0; n < perTemplate; n++) out.push(fill(tpl, pick));
  }
  [...SPAM_MAIL, ...SPAM_MAIL_2, ...SPAM_LINKY].forEach((tpl, t) => {
    for (let n = 0; n < perTemplate; n++) {
      let text = mail(tpl, pick, n);
      if ((t + n) % 2 === 0) text += "\n\n" + fill(pick(SPAM_FOOTERS), pick);
      if ((t + n) % 5 === 3) text = text.toUpperCase();
      out.push(text);
    }
  });
  return out;
}

/** `perTemplate` generated genuine SMS and e-mails per template (deterministic). */
export function generatedHam(perTemplate = 4): string[] {
  const pick = pickerFor(23);
  const out: string[] = [];
  [...HAM_SMS, ...HAM_SMS_2].forEach((tpl, t) => {
    for (let n = 0; n < perTemplate; n++) {
      const s = fill(tpl, pick);
      out.push((t + n) % 4 === 1 ? s.toLowerCase() : s);
    }
  });
  for (const tpl of [...HAM_INTL, ...HAM_TICKETS_2, ...HAM_SHORT_MAIL]) {
    for (let n = 0; n < perTemplate; n++) out.push(fill(tpl, pick));
  }
  [...HAM_MAIL, ...HAM_MAIL_2].forEach((tpl) => {
    for (let n = 0; n < perTemplate; n++) out.push(mail(tpl, pick, n));
  });
  return out;
}
