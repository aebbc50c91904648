import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
} from 'n8n-workflow';

// One API key for every ZakupAI operation; the plan behind it (free, premium, service) decides
// what answers and how often, so the same credential works in the HTTP Request node too.
export class ZakupAiApi implements ICredentialType {
  name = 'zakupAiApi';

  displayName = 'ZakupAI API';

  documentationUrl = 'https://github.com/zakupai/zakupai#n8n-and-flowise';

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://localhost:8080',
      placeholder: 'https://zakupai.example.kz',
      description: 'Where the ZakupAI server answers (no trailing path)',
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'Key from the Telegram bot (/key), the web panel (Account) or zakupai keys create',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: {
        'X-API-Key': '={{$credentials.apiKey}}',
      },
    },
  };

  // GET /billing/me needs a valid key and counts no usage: the cheapest honest check.
  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
      url: '/billing/me',
      method: 'GET',
    },
  };
}
