// A letter from ZakupAI's templates, as plain text for the chat (the web panel and the API give
// the same letter as PDF or DOCX). A missing field comes back named, for the model to ask for.
let context;
try {
  context = typeof $context === 'string' ? JSON.parse($context) : $context;
} catch {
  return 'context must be a JSON object of the template fields, e.g. {"customer_name": "..."}';
}
const language = typeof $language !== 'undefined' && $language === 'kz' ? 'kz' : 'ru';
const letter = await zakupai('POST', '/letters/generate', { template: $template, context, language });
if (letter.error) return letter.error;
const text = letter.html
  .replace(/<(br|\/p|\/h[1-6]|\/li|\/tr|\/div)[^>]*>/gi, '\n')
  .replace(/<[^>]+>/g, '')
  .replace(/&nbsp;/g, ' ').replace(/&laquo;/g, '«').replace(/&raquo;/g, '»')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  .replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
return JSON.stringify({ template: letter.template, title: letter.title, language: letter.language, deadlines: letter.deadlines ?? [], text });
